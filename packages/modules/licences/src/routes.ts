/** HTTP surface of the licences module, mounted under /api/v1/licences. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, type Platform, requestCtx, systemCtx } from '@yiwang/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type TSchema, Type } from 'typebox';
import * as svc from './service.ts';
import { DISCLOSABLE, SEAL_ALGORITHMS, SEAL_TYPES } from './types.ts';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Str = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const Nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([Type.Null(), t]));
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Fields = Type.Array(Type.Union(DISCLOSABLE.map((f) => Type.Literal(f))), { maxItems: DISCLOSABLE.length });

const TypeBody = Type.Object(
  {
    typeCode: Str(21, 21),
    name: Str(100, 1),
    nameEn: Nullable(Str(200)),
    authorityName: Str(100, 1),
    authorityCode: Str(18, 18),
    holderKind: Type.Union([Type.Literal('person'), Type.Literal('enterprise')]),
    metadataSchema: Type.Record(Type.String(), Type.Unknown()),
    template: Type.Object(
      {
        fields: Type.Array(
          Type.Object(
            { key: Str(64, 1), label: Str(100, 1), labelEn: Nullable(Str(200)), fromForm: Nullable(Str(100)) },
            { additionalProperties: false },
          ),
          { maxItems: 40 },
        ),
      },
      { additionalProperties: false },
    ),
    validityYears: Nullable(Type.Integer()),
    issuingDepartmentIds: Type.Array(Str(64, 1), { maxItems: 50 }),
    taskCodes: Type.Array(Str(64, 1), { maxItems: 50 }),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('retired')])),
  },
  { additionalProperties: false },
);

function sendPdf(
  reply: FastifyReply,
  f: { pdf: Buffer; filename: string },
  disposition: 'inline' | 'attachment' = 'inline',
) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
    .header('cache-control', 'private, no-store')
    .send(f.pdf);
}

export async function routes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['licences'];

  platform.jobs.register(svc.ISSUE_QUEUE, async (job) => {
    await svc.issueForCase(platform, systemCtx(`job:${job.id}`), String(job.payload.caseId));
  });

  // PDFs arrive as raw bodies for verification.
  scope.addContentTypeParser(
    ['application/pdf', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  // ----- public verification -----
  app.get(
    '/verify/:identifier',
    {
      config: { rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Public: verify a licence by its identifier (400 on a bad check character)',
        params: Type.Object({ identifier: Str(200, 1) }),
      },
    },
    (req) => svc.verifyByIdentifier(platform, requestCtx(req), req.params.identifier),
  );
  app.post(
    '/verify',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Public: verify an uploaded licence PDF (body: the PDF bytes)',
        consumes: ['application/pdf'],
      },
    },
    (req) => {
      const body = req.body as unknown;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw badRequest(
          'PDF_MISSING',
          '请上传 PDF 文件',
          'Send the PDF as the request body (application/pdf)',
          'body',
        );
      return svc.verifyPdf(platform, requestCtx(req), body);
    },
  );
  app.get(
    '/show/:token',
    {
      schema: {
        tags,
        summary: 'Public: what a verifier sees for a show code (亮证); 410 when expired',
        params: Type.Object({ token: Str(64, 1) }),
      },
    },
    (req) => svc.verifyShowToken(platform, requestCtx(req), req.params.token),
  );
  app.get(
    '/copies/:token',
    {
      schema: {
        tags,
        summary: 'Public with the link: an authorised copy (加注件) while valid; 410 after',
        params: Type.Object({ token: Str(64, 1) }),
      },
    },
    async (req, reply) => sendPdf(reply, await svc.copyByToken(platform, requestCtx(req), req.params.token)),
  );
  app.get(
    '/trust-list',
    { schema: { tags, summary: "Public: this node's CA certificates, for other nodes' trust lists" } },
    () => svc.ownTrustList(platform),
  );
  app.get('/types', { schema: { tags, summary: 'Licence types (证照目录)' } }, () => svc.listTypes(platform));
  app.get(
    '/issuers/:creditCode',
    {
      schema: {
        tags,
        summary: 'Public: the DID document of an issuing department (its VC keys)',
        params: Type.Object({ creditCode: Str(18, 18) }),
      },
    },
    (req) => svc.issuerDocument(platform, req.params.creditCode),
  );

  // ----- holder -----
  app.get(
    '/mine',
    {
      schema: {
        tags,
        summary: "The caller's wallet of licences",
        querystring: Type.Object({ typeCode: Type.Optional(Str(21, 21)) }),
      },
    },
    (req) => svc.wallet(platform, requestCtx(req), req.query),
  );
  app.get('/:id', { schema: { tags, summary: 'One licence (holder or issuing staff)', params: Id } }, (req) =>
    svc.get(platform, requestCtx(req), req.params.id),
  );
  app.get(
    '/:id/pdf',
    {
      schema: {
        tags,
        summary: 'The signed PDF',
        params: Id,
        querystring: Type.Object({ download: Type.Optional(Type.Boolean()) }),
      },
    },
    async (req, reply) =>
      sendPdf(
        reply,
        await svc.pdfOf(platform, requestCtx(req), req.params.id),
        req.query.download ? 'attachment' : 'inline',
      ),
  );
  app.get(
    '/:id/vc',
    { schema: { tags, summary: 'Export as a W3C Verifiable Credential (eddsa-rdfc-2022)', params: Id } },
    (req) => svc.exportCredential(platform, requestCtx(req), req.params.id),
  );
  app.put(
    '/:id/disclosure',
    {
      schema: {
        tags,
        summary: 'Choose what public verification shows',
        params: Id,
        body: Type.Object({ fields: Fields }, { additionalProperties: false }),
      },
    },
    (req) => svc.setDisclosure(platform, requestCtx(req), req.params.id, req.body.fields),
  );
  app.post(
    '/:id/copies',
    {
      schema: {
        tags,
        summary: 'Make a time-limited authorised copy (加注件) for a named purpose',
        params: Id,
        body: Type.Object(
          { purpose: Str(100, 1), recipient: Nullable(Str(100)), validDays: Type.Integer() },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await svc.createCopy(platform, requestCtx(req), req.params.id, req.body)),
  );
  app.get('/:id/copies', { schema: { tags, summary: 'Authorised copies of a licence', params: Id } }, (req) =>
    svc.listCopies(platform, requestCtx(req), req.params.id),
  );
  app.delete(
    '/:id/copies/:copyId',
    {
      schema: {
        tags,
        summary: 'Withdraw an authorised copy',
        params: Type.Object({ id: Str(64, 1), copyId: Str(64, 1) }),
      },
    },
    async (req, reply) => {
      await svc.revokeCopy(platform, requestCtx(req), req.params.id, req.params.copyId);
      return reply.status(204).send();
    },
  );
  app.post(
    '/:id/show',
    {
      schema: {
        tags,
        summary: 'Show a licence (亮证): a short-lived token for a QR code',
        params: Id,
        body: Type.Object(
          { fields: Type.Optional(Fields), ttlSeconds: Type.Optional(Type.Integer()) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await svc.createShowToken(platform, requestCtx(req), req.params.id, req.body)),
  );

  // ----- staff -----
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Licences of the departments the staff member issues for',
        querystring: Type.Object({
          q: Type.Optional(Str(200)),
          status: Type.Optional(
            Type.Union(['valid', 'revoked', 'cancelled', 'superseded'].map((s) => Type.Literal(s))),
          ),
          typeId: Type.Optional(Str(64)),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
      },
    },
    (req) => svc.listForStaff(platform, requestCtx(req), req.query),
  );
  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Issue a licence by hand (e.g. a legacy licence)',
        body: Type.Object(
          {
            typeId: Str(64, 1),
            departmentId: Str(64, 1),
            holder: Type.Object(
              {
                name: Str(200, 1),
                code: Str(18, 18),
                codeType: Type.Union([Type.Literal('111'), Type.Literal('001')]),
              },
              { additionalProperties: false },
            ),
            data: Type.Record(Type.String(), Type.Unknown()),
            validFrom: Nullable(Day),
            validTo: Nullable(Day),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.issue(platform, requestCtx(req), req.body as any)),
  );
  app.post(
    '/:id/renew',
    {
      schema: {
        tags,
        summary: 'Renew or change: a new version linked to this one',
        params: Id,
        body: Type.Object(
          {
            data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            validTo: Nullable(Day),
            reason: Str(500, 1),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await svc.renew(platform, requestCtx(req), req.params.id, req.body as any)),
  );
  app.post(
    '/:id/status',
    {
      schema: {
        tags,
        summary: 'Revoke (撤销) or cancel (注销) a licence with a reason',
        params: Id,
        body: Type.Object(
          { status: Type.Union([Type.Literal('revoked'), Type.Literal('cancelled')]), reason: Str(500, 1) },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.setLicenceStatus(platform, requestCtx(req), req.params.id, req.body),
  );
  app.get(
    '/cases/:caseId',
    {
      schema: {
        tags,
        summary: 'The licence issuance of a case (pending / issued / failed)',
        params: Type.Object({ caseId: Str(64, 1) }),
      },
    },
    (req) => svc.issueStatusOfCase(platform, requestCtx(req), req.params.caseId),
  );
  app.post(
    '/cases/:caseId/retry',
    { schema: { tags, summary: 'Retry a failed automatic issuance', params: Type.Object({ caseId: Str(64, 1) }) } },
    (req) => svc.retryIssue(platform, requestCtx(req), req.params.caseId),
  );

  // ----- administration -----
  app.post('/types', { schema: { tags, summary: 'Define a licence type', body: TypeBody } }, async (req, reply) =>
    reply.status(201).send(await svc.createType(platform, requestCtx(req), req.body as any)),
  );
  app.put('/types/:id', { schema: { tags, summary: 'Change a licence type', params: Id, body: TypeBody } }, (req) =>
    svc.updateType(platform, requestCtx(req), req.params.id, req.body as any),
  );
  app.get(
    '/seals',
    {
      schema: {
        tags,
        summary: 'Seals the caller manages or signs with',
        querystring: Type.Object({ departmentId: Type.Optional(Str(64)) }),
      },
    },
    (req) => svc.listSeals(platform, requestCtx(req), req.query),
  );
  app.post(
    '/seals',
    {
      schema: {
        tags,
        summary: 'Create a seal: key pair, certificate from the platform CA, picture',
        body: Type.Object(
          {
            departmentId: Str(64, 1),
            name: Type.Optional(Str(100)),
            sealType: Type.Union(SEAL_TYPES.map((s) => Type.Literal(s))),
            algorithm: Type.Union(SEAL_ALGORITHMS.map((s) => Type.Literal(s))),
            validFrom: Type.Optional(Str(40)),
            validTo: Str(40, 1),
            picturePng: Nullable(Str(3_000_000)),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createSeal(platform, requestCtx(req), req.body as any)),
  );
  app.post(
    '/seals/:id/status',
    {
      schema: {
        tags,
        summary: 'Suspend, reactivate or revoke a seal',
        params: Id,
        body: Type.Object(
          {
            status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('revoked')]),
            reason: Nullable(Str(500)),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.setSealStatus(platform, requestCtx(req), req.params.id, req.body),
  );
  app.get('/trust-anchors', { schema: { tags, summary: "Other nodes' CA certificates trusted here" } }, (req) =>
    svc.listAnchors(platform, requestCtx(req)),
  );
  app.post(
    '/trust-anchors',
    {
      schema: {
        tags,
        summary: "Import another node's trust list (its CA certificates)",
        body: Type.Object(
          {
            node: Str(100, 1),
            regionCode: Nullable(Str(12)),
            certificates: Type.Array(Str(20_000, 1), { minItems: 1, maxItems: 10 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.importTrustList(platform, requestCtx(req), req.body)),
  );
  app.delete(
    '/trust-anchors/:id',
    { schema: { tags, summary: 'Stop trusting a node certificate', params: Id } },
    async (req, reply) => {
      await svc.removeAnchor(platform, requestCtx(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
