/**
 * Electronic licence → W3C VC 2.0 with an eddsa-rdfc-2022 Data Integrity proof.
 * Signed through @digitalbazaar/* (vc.ts); checked (1) by vc.ts, (2) by the independent
 * @digitalcredentials/* fork family (own jsonld copy, rdf-canonize 4) with a document loader built
 * here from the PEM, and (3) by hand: RDFC-1.0 with rdf-canonize, SHA-256, Ed25519 with node:crypto.
 */
import { createHash, verify as ed25519Verify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof as DcDataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite as dcEddsaRdfc2022 } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import * as dcVc from '@digitalcredentials/vc';
import { creditCodeCheckChar, idNumberCheckDigit, licenceIdentifier } from '@yiwang/shared';
import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  documentLoader,
  issueLicenceCredential,
  issuerControllerDocument,
  issuerDid,
  LICENCE_CONTEXT_URL,
  type LicenceVcInput,
  licenceContext,
  VC_CONTEXT_V2_URL,
  type VcIssuerKey,
  verifyLicenceCredential,
} from '../src/vc.ts';

// ---------- helpers written here, independent of vc.ts ----------

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(s: string): Buffer {
  let n = 0n;
  for (const c of s) {
    const v = B58.indexOf(c);
    if (v < 0) throw new Error(`not base58: ${c}`);
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 255n));
    n >>= 8n;
  }
  for (const c of s) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

function base58Encode(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

interface TestKey extends VcIssuerKey {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

function newKey(controller: string): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    controller,
    publicKey,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Raw 32-byte Ed25519 public key: the tail of the 44-byte SPKI DER. */
const rawPublicKey = (k: TestKey) => k.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
/** Raw 32-byte Ed25519 seed: the tail of the 48-byte PKCS#8 DER. */
const rawSeed = (k: TestKey) => k.privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(-32);

/** The VC 2.0 context (W3C Recommendation, no `@vocab`) as shipped by @digitalbazaar/credentials-context. */
const vc2Context = credentialsContexts.get(VC_CONTEXT_V2_URL);

/**
 * A document loader for the independent verifier, built from the PEM (not from vc.ts): the
 * verification method id's fragment must decode to 0xed01 + the raw public key.
 */
function independentLoader(vcDoc: Record<string, unknown>, trusted: TestKey) {
  const vmId = String((vcDoc.proof as Record<string, unknown>).verificationMethod);
  const [controller, fragment] = vmId.split('#') as [string, string];
  const decoded = base58Decode(fragment.slice(1));
  const keyMatches =
    fragment.startsWith('z') &&
    controller === trusted.controller &&
    decoded.length === 34 &&
    decoded[0] === 0xed &&
    decoded[1] === 0x01 &&
    decoded.subarray(2).equals(rawPublicKey(trusted));
  const docs = new Map<string, unknown>([
    [VC_CONTEXT_V2_URL, vc2Context],
    [LICENCE_CONTEXT_URL, licenceContext],
  ]);
  if (keyMatches) {
    const vm = { id: vmId, type: 'Multikey', controller, publicKeyMultibase: fragment };
    docs.set(vmId, { '@context': 'https://w3id.org/security/multikey/v1', ...vm });
    docs.set(controller, {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: controller,
      verificationMethod: [vm],
      assertionMethod: [vmId],
    });
  }
  return async (url: string) => {
    const document = docs.get(url);
    if (!document) throw new Error(`independent loader: unknown ${url}`);
    return { contextUrl: null, document: structuredClone(document), documentUrl: url };
  };
}

/** RDFC-1.0 canonical N-Quads of a JSON-LD document (jsonld toRDF in safe mode + rdf-canonize). */
async function canonicalNQuads(doc: Record<string, unknown>, loader: (url: string) => Promise<unknown>) {
  const dataset = await jsonld.toRDF(doc, { documentLoader: loader, safe: true, base: null });
  return rdfCanonize.canonize(dataset, { algorithm: 'RDFC-1.0' });
}

/** eddsa-rdfc-2022 verification by hand (VC-DI-EdDSA §3.2): hash(proofConfig) ‖ hash(document), Ed25519. */
async function verifyByHand(
  vcDoc: Record<string, unknown>,
  publicKey: KeyObject,
  loader: (url: string) => Promise<unknown>,
) {
  const { proof, ...unsecured } = vcDoc;
  const { proofValue, ...proofOptions } = proof as Record<string, unknown>;
  const proofConfig = { '@context': vcDoc['@context'], ...proofOptions };
  const [c14nProof, c14nDoc] = await Promise.all([
    canonicalNQuads(proofConfig, loader),
    canonicalNQuads(unsecured, loader),
  ]);
  const hashData = Buffer.concat([
    createHash('sha256').update(c14nProof, 'utf8').digest(),
    createHash('sha256').update(c14nDoc, 'utf8').digest(),
  ]);
  const pv = String(proofValue);
  const signature = base58Decode(pv.slice(1));
  return {
    c14nDoc,
    c14nProof,
    multibaseOk: pv.startsWith('z'),
    signatureLength: signature.length,
    valid: ed25519Verify(null, hashData, publicKey, signature),
  };
}

async function verifyIndependently(vcDoc: Record<string, unknown>, trusted: TestKey, revoked: Set<string>) {
  return dcVc.verifyCredential({
    credential: structuredClone(vcDoc),
    suite: new DcDataIntegrityProof({ cryptosuite: dcEddsaRdfc2022 }),
    documentLoader: independentLoader(vcDoc, trusted),
    now: NOW,
    checkStatus: async ({ credential }) => {
      const status = credential.credentialStatus as { id: string };
      return { verified: !revoked.has(status.id) };
    },
  });
}

// ---------- fixtures: a 食品经营许可证 issued by 杭州市西湖区市场监督管理局 ----------

const NOW = new Date('2025-06-01T10:00:00+08:00');
const ISSUER_BODY = '11330106MB1C52847';
const ISSUER_CODE = ISSUER_BODY + creditCodeCheckChar(ISSUER_BODY); // 杭州市西湖区市场监督管理局
const SAMR_BODY = '11100000MA0143028'; // defining authority: 国家市场监督管理总局
const TYPE_CODE = `${SAMR_BODY}${creditCodeCheckChar(SAMR_BODY)}005`;
const LICENCE_NUMBER = 'JY23301060012345';
const IDENTIFIER = licenceIdentifier({
  typeCode: TYPE_CODE,
  issuerCode: ISSUER_CODE,
  number: LICENCE_NUMBER,
  version: 1,
});
const HOLDER_ID_BODY = '33010619850312123';
const HOLDER_ID = HOLDER_ID_BODY + idNumberCheckDigit(HOLDER_ID_BODY);
const CONTROLLER = issuerDid('yiwang.gov.cn', ISSUER_CODE);
const STATUS_URL = `https://yiwang.gov.cn/api/v1/licences/status/${encodeURIComponent(IDENTIFIER)}`;

const input: LicenceVcInput = {
  identifier: IDENTIFIER,
  typeName: '食品经营许可证',
  typeCode: TYPE_CODE,
  licenceNumber: LICENCE_NUMBER,
  holderName: '王建国',
  holderCode: HOLDER_ID,
  holderCodeType: '111',
  issuerName: '杭州市西湖区市场监督管理局',
  issuerCode: ISSUER_CODE,
  issueDate: '2024-03-15',
  validFrom: '2024-03-15',
  validTo: '2029-03-14',
  jurisdictionCode: '330106',
  data: {
    经营者名称: '西湖区建国小吃店',
    法定代表人: '王建国',
    住所: '浙江省杭州市西湖区文三路 259 号',
    经营场所: '浙江省杭州市西湖区文三路 259 号 1 楼 102 室',
    主体业态: '餐饮服务经营者（小型餐饮）',
    经营项目: ['预包装食品（含冷藏冷冻食品）销售', '热食类食品制售', '冷食类食品制售（不含生食）'],
    日常监督管理机构: '杭州市西湖区市场监督管理局文新市场监督管理所',
    日常监督管理人员: '李明、陈芳',
    投诉举报电话: '12315',
    签发人: '赵卫东',
    面积平方米: 85.5,
  },
  status: 'valid',
  statusUrl: STATUS_URL,
};

let key: TestKey;
let vc: Record<string, unknown>;
const noneRevoked = new Set<string>();

beforeAll(async () => {
  key = newKey(CONTROLLER);
  vc = await issueLicenceCredential(input, key);
});

const trusted = () => [{ controller: key.controller, publicKeyPem: key.publicKeyPem }];
const subjectOf = (doc: Record<string, unknown>) => doc.credentialSubject as Record<string, any>;

describe('issueLicenceCredential', () => {
  it('produces a VC 2.0 with the licence metadata and an eddsa-rdfc-2022 Data Integrity proof', () => {
    expect(vc['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://yiwang.gov.cn/ns/licence/v1']);
    expect(vc.id).toBe(`urn:licence:${IDENTIFIER}`);
    expect(vc.type).toEqual(['VerifiableCredential', 'ElectronicLicenceCredential']);
    expect(vc.issuer).toEqual({ id: CONTROLLER, name: '杭州市西湖区市场监督管理局', issuerCode: ISSUER_CODE });
    expect(CONTROLLER).toBe(`did:web:yiwang.gov.cn:issuers:${ISSUER_CODE}`);
    expect(vc.validFrom).toBe('2024-03-15T00:00:00+08:00');
    expect(vc.validUntil).toBe('2029-03-14T23:59:59+08:00');
    expect(vc.credentialStatus).toEqual({ id: STATUS_URL, type: 'LicenceStatusService' });
    const subject = subjectOf(vc);
    expect(subject.type).toBe('LicenceHolder');
    expect(subject.name).toBe('王建国');
    expect(subject.holderCodeType).toBe('111');
    expect(subject.holderCodeMasked).toBe(`3301${'*'.repeat(10)}${HOLDER_ID.slice(-4)}`);
    expect(subject.holderCode).toBeUndefined();
    expect(subject.licence).toMatchObject({
      type: 'ElectronicLicence',
      identifier: IDENTIFIER,
      version: 1,
      typeName: '食品经营许可证',
      typeCode: TYPE_CODE,
      licenceNumber: LICENCE_NUMBER,
      issueDate: '2024-03-15',
      validFrom: '2024-03-15',
      validTo: '2029-03-14',
      jurisdictionCode: '330106',
      status: 'valid',
      data: input.data,
    });
    const proof = vc.proof as Record<string, unknown>;
    expect(proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
    });
    expect(proof.verificationMethod).toMatch(new RegExp(`^${CONTROLLER}#z6Mk[1-9A-HJ-NP-Za-km-z]+$`));
    expect(String(proof.proofValue)).toMatch(/^z[1-9A-HJ-NP-Za-km-z]+$/);
  });

  it('contains no private key material and no unmasked ID number', () => {
    const json = JSON.stringify(vc);
    const seed = rawSeed(key);
    const pemBody = key.privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    for (const secret of [
      pemBody,
      seed.toString('hex'),
      seed.toString('base64'),
      seed.toString('base64url'),
      `z${base58Encode(Buffer.concat([Buffer.from([0x80, 0x26]), seed]))}`, // Multikey secretKeyMultibase
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(json).not.toMatch(/PRIVATE KEY|secretKey|"d":/);
    expect(json).not.toContain(HOLDER_ID);
    expect(json).not.toContain(HOLDER_ID_BODY);
    expect(json).toContain(`3301**********${HOLDER_ID.slice(-4)}`);
  });

  it('keeps an enterprise holder USCC in full (public register data)', async () => {
    const body = '92330106MA2H7K3L4';
    const uscc = body + creditCodeCheckChar(body);
    const company = await issueLicenceCredential(
      { ...input, holderName: '杭州西湖区建国小吃店', holderCode: uscc, holderCodeType: '001', statusUrl: undefined },
      key,
    );
    expect(subjectOf(company)).toMatchObject({ holderCode: uscc, holderCodeType: '001', holderCodeMasked: uscc });
    expect(company.credentialStatus).toBeUndefined();
    expect(await verifyLicenceCredential(company, { issuers: trusted(), now: NOW })).toEqual({
      verified: true,
      statusChecked: false,
    });
  });

  it('refuses inconsistent or unsafe input', async () => {
    await expect(issueLicenceCredential({ ...input, licenceNumber: 'JY23301060099999' }, key)).rejects.toThrow(
      /licenceNumber does not match/,
    );
    await expect(issueLicenceCredential({ ...input, identifier: `${IDENTIFIER.slice(0, -1)}0` }, key)).rejects.toThrow(
      /malformed \(check\)/,
    );
    await expect(issueLicenceCredential({ ...input, status: 'revoked' }, key)).rejects.toThrow(/only a valid licence/);
    await expect(
      issueLicenceCredential({ ...input, data: { ...input.data, 负责人身份证号: HOLDER_ID } }, key),
    ).rejects.toThrow(/unmasked|citizen ID/);
    const other = newKey(CONTROLLER);
    await expect(issueLicenceCredential(input, { ...key, publicKeyPem: other.publicKeyPem })).rejects.toThrow(
      /not the public key/,
    );
  });
});

describe('verification', () => {
  it('verifies with vc.ts (@digitalbazaar/vc); status is checked only through checkStatus', async () => {
    expect(await verifyLicenceCredential(vc, { issuers: trusted(), now: NOW })).toEqual({
      verified: true,
      statusChecked: false,
    });
    const revoked = new Set([STATUS_URL]);
    const checkStatus = async (c: Record<string, unknown>) => {
      const id = (c.credentialStatus as { id: string }).id;
      return revoked.has(id) ? { verified: false, error: `licence revoked (${id})` } : { verified: true };
    };
    expect(await verifyLicenceCredential(vc, { issuers: trusted(), now: NOW, checkStatus })).toEqual({
      verified: false,
      error: `licence revoked (${STATUS_URL})`,
      statusChecked: true,
    });
    revoked.clear();
    expect(await verifyLicenceCredential(vc, { issuers: trusted(), now: NOW, checkStatus })).toEqual({
      verified: true,
      statusChecked: true,
    });
  });

  it('verifies with the independent @digitalcredentials/vc + eddsa-rdfc-2022 cryptosuite', async () => {
    const result = await verifyIndependently(vc, key, noneRevoked);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    const revoked = await verifyIndependently(vc, key, new Set([STATUS_URL]));
    expect(revoked.verified).toBe(false);
  });

  it('verifies by hand: RDFC-1.0 + SHA-256 + Ed25519 (node:crypto, key from the PEM)', async () => {
    const loader = independentLoader(vc, key);
    const check = await verifyByHand(vc, key.publicKey, loader);
    expect(check.multibaseOk).toBe(true);
    expect(check.signatureLength).toBe(64);
    expect(check.valid).toBe(true);
    // The canonical document really carries the licence terms under the Yiwang IRIs.
    expect(check.c14nDoc).toContain(`<https://yiwang.gov.cn/ns/licence#licenceNumber> "${LICENCE_NUMBER}"`);
    expect(check.c14nDoc).toContain(
      '<https://yiwang.gov.cn/ns/licence#validTo> "2029-03-14"^^<http://www.w3.org/2001/XMLSchema#date>',
    );
    expect(check.c14nDoc).toContain('^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>');
    expect(check.c14nDoc).toContain(`<https://www.w3.org/2018/credentials#issuer> <${CONTROLLER}>`);
    expect(check.c14nProof).toContain(
      '<https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"^^<https://w3id.org/security#cryptosuiteString>',
    );
    // Same bytes signed over a changed document do not verify.
    const changed = structuredClone(vc);
    subjectOf(changed).licence.data.经营场所 = '浙江省杭州市西湖区文三路 260 号';
    expect((await verifyByHand(changed, key.publicKey, loader)).valid).toBe(false);
  });

  it('publishes controller document and verification method consistent with the proof', async () => {
    const proofVm = String((vc.proof as Record<string, unknown>).verificationMethod);
    const doc = issuerControllerDocument(CONTROLLER, trusted());
    expect(doc).toMatchObject({ id: CONTROLLER, assertionMethod: [proofVm] });
    const loader = documentLoader(trusted());
    const vm = (await loader(proofVm)).document;
    expect(vm).toMatchObject({ id: proofVm, type: 'Multikey', controller: CONTROLLER });
    const decoded = base58Decode(String(vm.publicKeyMultibase).slice(1));
    expect(decoded.subarray(0, 2)).toEqual(Buffer.from([0xed, 0x01]));
    expect(decoded.subarray(2).equals(rawPublicKey(key))).toBe(true);
    await expect(loader('https://example.org/anything')).rejects.toThrow(/not known offline/);
    // Key rotation: a department's old and new keys sit in one controller document; both verify.
    const rotated = newKey(CONTROLLER);
    const both = [...trusted(), { controller: CONTROLLER, publicKeyPem: rotated.publicKeyPem }];
    expect((issuerControllerDocument(CONTROLLER, both).assertionMethod as string[]).length).toBe(2);
    const fresh = await issueLicenceCredential(input, rotated);
    expect((await verifyLicenceCredential(vc, { issuers: both, now: NOW })).verified).toBe(true);
    expect((await verifyLicenceCredential(fresh, { issuers: both, now: NOW })).verified).toBe(true);
    expect((await verifyLicenceCredential(fresh, { issuers: trusted(), now: NOW })).verified).toBe(false);
  });

  it('fails when a credentialSubject field is changed or an undefined term is added', async () => {
    const cases: [(s: Record<string, any>) => void, RegExp][] = [
      [
        (s) => {
          s.name = '王建军';
        },
        /Invalid signature/,
      ],
      [
        (s) => {
          s.licence.data.主体业态 = '餐饮服务经营者（大型餐饮）';
        },
        /Invalid signature/,
      ],
      [
        (s) => {
          s.licence.validTo = '2039-03-14';
        },
        /Invalid signature/,
      ],
      [
        (s) => {
          s.nickname = '老王'; // defined by no context: safe-mode canonicalisation rejects it
        },
        /Safe mode validation error/,
      ],
    ];
    for (const [tamper, reason] of cases) {
      const changed = structuredClone(vc);
      tamper(subjectOf(changed));
      const ours = await verifyLicenceCredential(changed, { issuers: trusted(), now: NOW });
      expect(ours.verified).toBe(false);
      expect(ours.error).toMatch(reason);
      expect((await verifyIndependently(changed, key, noneRevoked)).verified).toBe(false);
    }
  });

  it('fails for a credential signed by an unknown key', async () => {
    // An impostor claims the same issuer id with its own key.
    const impostor = newKey(CONTROLLER);
    const forged = await issueLicenceCredential(input, impostor);
    const ours = await verifyLicenceCredential(forged, { issuers: trusted(), now: NOW });
    expect(ours.verified).toBe(false);
    expect(ours.error).toMatch(/not known offline/);
    expect((await verifyIndependently(forged, key, noneRevoked)).verified).toBe(false);
    expect((await verifyByHand(forged, key.publicKey, independentLoader(forged, impostor))).valid).toBe(false);
    // An issuer that is simply not trusted.
    const stranger = newKey(issuerDid('other-node.example.cn', ISSUER_CODE));
    const foreign = await issueLicenceCredential(input, stranger);
    expect((await verifyLicenceCredential(foreign, { issuers: trusted(), now: NOW })).verified).toBe(false);
    // Trust is what decides: the same credential verifies once its issuer is on the list.
    const both = [...trusted(), { controller: stranger.controller, publicKeyPem: stranger.publicKeyPem }];
    expect(await verifyLicenceCredential(foreign, { issuers: both, now: NOW })).toEqual({
      verified: true,
      statusChecked: false,
    });
  });

  it('fails outside the validity period', async () => {
    const expired = await verifyLicenceCredential(vc, {
      issuers: trusted(),
      now: new Date('2029-03-15T00:10:00+08:00'),
    });
    expect(expired.verified).toBe(false);
    expect(expired.error).toMatch(/validUntil/);
    const early = await verifyLicenceCredential(vc, { issuers: trusted(), now: new Date('2024-03-14T12:00:00+08:00') });
    expect(early.verified).toBe(false);
    expect(early.error).toMatch(/validFrom/);
  });
});
