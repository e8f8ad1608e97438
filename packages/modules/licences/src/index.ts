/** Public surface of the licences module (电子证照、电子印章, domain reference §4). */
import { onTransition, registerFulfilment } from '@yiwang/cases';
import { badRequest, type Platform, type YiwangModule } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { licencesMigrations } from './migrations.ts';
import { routes } from './routes.ts';
import { seed } from './seed.ts';
import { heldLicence, issuerDocument, onCaseTransition } from './service.ts';

export { licencesMigrations } from './migrations.ts';
export { verifyPdfSignature } from './pdf/verify.ts';
export { licenceRegisterCsv } from './service.ts';
export type { LicenceType, LicenceTypeInput, SealAlgorithm, SealView, VerifyStatus } from './types.ts';

// ECERT: a material provided by one of the applicant's electronic licences (verified, not uploaded).
registerFulfilment({
  type: 'ECERT',
  async fulfil(fc, input) {
    const field = `materials.${input.name}`;
    const typeCode = fc.material.licenceTypeCode;
    if (fc.material.fulfilment !== 'ECERT' || !typeCode)
      throw badRequest(
        'ECERT_NOT_ALLOWED',
        `${input.name}不能以电子证照提供`,
        `"${input.name}" cannot be provided by an electronic licence`,
        field,
      );
    if (!input.ref)
      throw badRequest(
        'ECERT_MISSING',
        `请选择用于${input.name}的电子证照`,
        `Choose the electronic licence for "${input.name}"`,
        field,
      );
    const r = await heldLicence(fc.db, fc.ctx, input.ref, typeCode);
    if ('problem' in r)
      throw badRequest(
        r.problem === 'status' ? 'ECERT_NOT_VALID' : r.problem === 'type' ? 'ECERT_WRONG_TYPE' : 'ECERT_UNKNOWN',
        r.problem === 'status'
          ? '该电子证照已失效（撤销、注销或过期）'
          : r.problem === 'type'
            ? '该电子证照不是此材料要求的证照类型'
            : '电子证照不存在或不属于您',
        r.problem === 'status'
          ? 'The electronic licence is no longer valid'
          : r.problem === 'type'
            ? 'The licence is not of the type this material requires'
            : 'Unknown licence, or not yours',
        field,
      );
    const l = r.licence;
    return {
      files: [],
      evidence: {
        kind: 'ECERT',
        at: new Date().toISOString(),
        identifier: l.identifier,
        licenceId: l.id,
        typeCode: l.type_code,
        typeName: l.name,
        licenceNumber: l.licence_number,
        issuerName: l.issuer_name,
        validTo: l.valid_to ?? null,
        status: 'valid',
        pdfSha256: l.pdf_sha256,
      },
    };
  },
});

// An approved case of an item related to a licence type queues the licence's issuance (same transaction).
onTransition((tx, _ctx, row, t) => onCaseTransition(tx, row, t.action), { actions: ['approve'] });

/**
 * did:web resolution of issuer ids (`did:web:{host}:issuers:{credit code}` → `/issuers/{code}/did.json`
 * at the host root, outside /api/v1), mounted by the composition root.
 */
export async function mountDidWeb(app: FastifyInstance, platform: Platform): Promise<void> {
  app.get<{ Params: { code: string } }>('/issuers/:code/did.json', { schema: { hide: true } }, (req) =>
    issuerDocument(platform, req.params.code),
  );
}

export const licencesModule: YiwangModule = { name: 'licences', migrations: licencesMigrations, routes, seed };
