import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CaCertificate,
  certificateDer,
  certificateInfo,
  createIssuingCa,
  createRootCa,
  issueSealCertificate,
  verifyCertificateChain,
} from '../src/pki/ca.ts';
import {
  generateKeyPair,
  pemToDer,
  publicKeyAlgorithm,
  publicKeyFromPrivate,
  publicKeyVerifier,
  SEAL_ALGORITHMS,
  signData,
  verifyData,
} from '../src/pki/keys.ts';

const DAY = 86_400_000;
const CREDIT_CODE = '11440604MB2C12345X';

let root: CaCertificate;
let issuing: CaCertificate;

beforeAll(async () => {
  const notBefore = new Date(Date.now() - 365 * DAY);
  root = await createRootCa({
    commonName: '一网电子印章根CA',
    organization: '佛山市政务服务数据管理局',
    years: 20,
    notBefore,
  });
  issuing = await createIssuingCa(root, { commonName: '一网电子印章签发CA', years: 10, notBefore });
});

function sealCertFor(
  issuer: CaCertificate,
  algorithm: (typeof SEAL_ALGORITHMS)[number],
  publicKeyPem: string,
  over: { notBefore?: Date; notAfter?: Date; serialNumber?: string } = {},
) {
  return issueSealCertificate(issuer, {
    algorithm,
    publicKeyPem,
    commonName: '佛山市禅城区市场监督管理局',
    organization: '佛山市禅城区人民政府',
    creditCode: CREDIT_CODE,
    notBefore: over.notBefore ?? new Date(Date.now() - DAY),
    notAfter: over.notAfter ?? new Date(Date.now() + 365 * DAY),
    serialNumber: over.serialNumber,
  });
}

describe('seal keys', () => {
  it.each(SEAL_ALGORITHMS)('%s: PEM key pair signs, verifies, and refuses other data, keys and signatures', (alg) => {
    const keys = generateKeyPair(alg);
    expect(keys.algorithm).toBe(alg);
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(publicKeyAlgorithm(keys.publicKeyPem)).toBe(alg);
    expect(publicKeyFromPrivate(alg, keys.privateKeyPem)).toBe(keys.publicKeyPem);

    const data = new TextEncoder().encode('食品经营许可证 JY14406040012345');
    const sig = signData(alg, keys.privateKeyPem, data);
    expect(verifyData(alg, keys.publicKeyPem, data, sig)).toBe(true);

    const changed = Uint8Array.from(data);
    changed[0] ^= 1;
    expect(verifyData(alg, keys.publicKeyPem, changed, sig)).toBe(false);
    expect(verifyData(alg, generateKeyPair(alg).publicKeyPem, data, sig)).toBe(false);
    const badSig = Buffer.from(sig);
    badSig[badSig.length - 1] ^= 1;
    expect(verifyData(alg, keys.publicKeyPem, data, badSig)).toBe(false);
    expect(verifyData(alg, keys.publicKeyPem, data, Buffer.from('not a signature'))).toBe(false);
    expect(verifyData(alg, 'not a key', data, sig)).toBe(false);
  });

  it('signature shapes: Ed25519 raw 64 bytes, P-256 and SM2 DER SEQUENCE of r,s', () => {
    const data = Buffer.from('x');
    expect(signData('ED25519', generateKeyPair('ED25519').privateKeyPem, data)).toHaveLength(64);
    for (const alg of ['P256', 'SM2'] as const) {
      const sig = signData(alg, generateKeyPair(alg).privateKeyPem, data);
      expect(sig[0]).toBe(0x30);
      expect(sig[1]).toBe(sig.length - 2);
    }
  });

  it('a key of another algorithm is refused', () => {
    const p256 = generateKeyPair('P256');
    const sm2 = generateKeyPair('SM2');
    const ed = generateKeyPair('ED25519');
    expect(() => signData('P256', sm2.privateKeyPem, Buffer.from('x'))).toThrow(/P256/);
    expect(() => signData('SM2', p256.privateKeyPem, Buffer.from('x'))).toThrow(/SM2/);
    expect(() => signData('ED25519', p256.privateKeyPem, Buffer.from('x'))).toThrow(/ED25519/);
    const sig = signData('P256', p256.privateKeyPem, Buffer.from('x'));
    expect(verifyData('SM2', p256.publicKeyPem, Buffer.from('x'), sig)).toBe(false);
    expect(verifyData('ED25519', ed.publicKeyPem, Buffer.from('x'), sig)).toBe(false);
  });

  it('SM2 keys use id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301', () => {
    const keys = generateKeyPair('SM2');
    const idEcPublicKey = Buffer.from('06072a8648ce3d0201', 'hex');
    const sm2Curve = Buffer.from('06082a811ccf5501822d', 'hex');
    for (const der of [pemToDer(keys.privateKeyPem), pemToDer(keys.publicKeyPem)]) {
      expect(der.includes(idEcPublicKey)).toBe(true);
      expect(der.includes(sm2Curve)).toBe(true);
    }
  });
});

describe('certificate authority and chains', () => {
  it('root and issuing CA are CA certificates that Node also reads and links', () => {
    const rootX = new X509Certificate(root.certPem);
    const issuingX = new X509Certificate(issuing.certPem);
    expect(rootX.ca).toBe(true);
    expect(issuingX.ca).toBe(true);
    expect(issuingX.checkIssued(rootX)).toBe(true);
    expect(issuingX.verify(rootX.publicKey)).toBe(true);
    expect(rootX.verify(rootX.publicKey)).toBe(true);
    const info = certificateInfo(issuing.certPem);
    expect(info.isCa).toBe(true);
    expect(info.subject.commonName).toBe('一网电子印章签发CA');
    expect(info.subject.organization).toBe('佛山市政务服务数据管理局');
    expect(info.issuer.commonName).toBe('一网电子印章根CA');
    expect(info.authorityKeyId).toBe(certificateInfo(root.certPem).subjectKeyId);
  });

  it.each(SEAL_ALGORITHMS)('a %s seal certificate from the P-256 issuing CA chains to the root', async (alg) => {
    const keys = generateKeyPair(alg);
    const pem = await sealCertFor(issuing, alg, keys.publicKeyPem);
    const r = verifyCertificateChain(pem, { intermediates: [issuing.certPem], anchors: [root.certPem] });
    expect(r).toEqual({ ok: true, chain: [pem, issuing.certPem, root.certPem] });
    // An independent parser agrees on issuer and signature.
    const leafX = new X509Certificate(pem);
    expect(leafX.checkIssued(new X509Certificate(issuing.certPem))).toBe(true);
    expect(leafX.verify(new X509Certificate(issuing.certPem).publicKey)).toBe(true);
    expect(leafX.ca).toBe(false);
    expect(leafX.keyUsage).toEqual(['1.3.6.1.5.5.7.3.4']);
  });

  it('an all-SM2 chain (SM2 root and issuing CA, sm2-with-sm3) verifies', async () => {
    const smRoot = await createRootCa({ commonName: 'SM2 根CA', organization: '一网', years: 20, algorithm: 'SM2' });
    const smIssuing = await createIssuingCa(smRoot, { commonName: 'SM2 签发CA', years: 10, algorithm: 'SM2' });
    const keys = generateKeyPair('SM2');
    const pem = await sealCertFor(smIssuing, 'SM2', keys.publicKeyPem);
    const r = verifyCertificateChain(pem, { intermediates: [smIssuing.certPem], anchors: [smRoot.certPem] });
    expect(r.ok).toBe(true);
    expect(r.chain).toHaveLength(3);
    expect(certificateInfo(pem).signatureAlgorithm).toBe('SM2-SM3');
    expect(certificateInfo(smIssuing.certPem)).toMatchObject({ algorithm: 'SM2', signatureAlgorithm: 'SM2-SM3' });
    // The SM2 chain is not trusted by the P-256 platform root, and vice versa.
    expect(verifyCertificateChain(pem, { intermediates: [smIssuing.certPem], anchors: [root.certPem] }).reason).toBe(
      'untrusted',
    );
  });

  it('a certificate from another CA is untrusted', async () => {
    const otherRoot = await createRootCa({ commonName: '其他根CA', organization: '其他机构', years: 5 });
    const otherIssuing = await createIssuingCa(otherRoot, { commonName: '其他签发CA', years: 5 });
    const pem = await sealCertFor(otherIssuing, 'P256', generateKeyPair('P256').publicKeyPem);
    const r = verifyCertificateChain(pem, {
      intermediates: [otherIssuing.certPem, issuing.certPem],
      anchors: [root.certPem],
    });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('untrusted');
    expect(r.chain).toEqual([pem, otherIssuing.certPem]);
    // The other chain on its own is fine.
    expect(
      verifyCertificateChain(pem, { intermediates: [otherIssuing.certPem], anchors: [otherRoot.certPem] }).ok,
    ).toBe(true);
  });

  it('a forged issuing CA with the same name as ours is untrusted', async () => {
    const forgedRoot = await createRootCa({
      commonName: '一网电子印章根CA',
      organization: '佛山市政务服务数据管理局',
      years: 5,
    });
    const forged = await createIssuingCa(forgedRoot, { commonName: '一网电子印章签发CA', years: 5 });
    const pem = await sealCertFor(forged, 'P256', generateKeyPair('P256').publicKeyPem);
    const r = verifyCertificateChain(pem, {
      intermediates: [issuing.certPem, forged.certPem],
      anchors: [root.certPem],
    });
    expect(r.ok).toBe(false);
    expect(['untrusted', 'bad_signature']).toContain(r.reason);
  });

  it('without the intermediate the chain cannot be built', async () => {
    const pem = await sealCertFor(issuing, 'P256', generateKeyPair('P256').publicKeyPem);
    expect(verifyCertificateChain(pem, { intermediates: [], anchors: [root.certPem] }).reason).toBe('untrusted');
    // The issuing CA itself as the anchor is enough.
    expect(verifyCertificateChain(pem, { intermediates: [], anchors: [issuing.certPem] }).ok).toBe(true);
  });

  it('an expired seal certificate is expired; a future one is not yet valid; `at` moves the clock', async () => {
    const keys = generateKeyPair('SM2');
    const expired = await sealCertFor(issuing, 'SM2', keys.publicKeyPem, {
      notBefore: new Date(Date.now() - 40 * DAY),
      notAfter: new Date(Date.now() - 10 * DAY),
    });
    const opts = { intermediates: [issuing.certPem], anchors: [root.certPem] };
    expect(verifyCertificateChain(expired, opts)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyCertificateChain(expired, { ...opts, at: new Date(Date.now() - 20 * DAY) }).ok).toBe(true);

    const future = await sealCertFor(issuing, 'SM2', keys.publicKeyPem, {
      notBefore: new Date(Date.now() + 10 * DAY),
      notAfter: new Date(Date.now() + 40 * DAY),
    });
    expect(verifyCertificateChain(future, opts)).toMatchObject({ ok: false, reason: 'not_yet_valid' });
    expect(verifyCertificateChain(future, { ...opts, at: new Date(Date.now() + 20 * DAY) }).ok).toBe(true);
  });

  it('an expired CA expires the chain even while the seal certificate is still valid', async () => {
    const shortCa = await createIssuingCa(root, { commonName: '短期签发CA', years: 1 });
    const pem = await sealCertFor(shortCa, 'P256', generateKeyPair('P256').publicKeyPem, {
      notAfter: new Date(Date.now() + 5 * 365 * DAY),
    });
    const opts = { intermediates: [shortCa.certPem], anchors: [root.certPem] };
    expect(verifyCertificateChain(pem, opts).ok).toBe(true);
    expect(verifyCertificateChain(pem, { ...opts, at: new Date(Date.now() + 2 * 365 * DAY) }).reason).toBe('expired');
  });

  it('a tampered certificate has a bad signature', async () => {
    for (const alg of SEAL_ALGORITHMS) {
      const pem = await sealCertFor(issuing, alg, generateKeyPair(alg).publicKeyPem);
      const der = certificateDer(pem);
      // Change one character of the subject's credit code inside the signed TBSCertificate.
      const at = der.indexOf(Buffer.from(CREDIT_CODE));
      expect(at).toBeGreaterThan(0);
      der[at + CREDIT_CODE.length - 1] = 'Y'.charCodeAt(0);
      const tampered = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
      expect(certificateInfo(tampered).subject.serialNumber).toBe('11440604MB2C12345Y');
      const r = verifyCertificateChain(tampered, { intermediates: [issuing.certPem], anchors: [root.certPem] });
      expect(r).toMatchObject({ ok: false, reason: 'bad_signature' });
    }
  });

  it('an end-entity seal certificate cannot act as a CA', async () => {
    const keys = generateKeyPair('P256');
    const sealPem = await sealCertFor(issuing, 'P256', keys.publicKeyPem);
    const below = await sealCertFor({ certPem: sealPem, keyPair: keys }, 'P256', generateKeyPair('P256').publicKeyPem);
    const r = verifyCertificateChain(below, { intermediates: [sealPem, issuing.certPem], anchors: [root.certPem] });
    expect(r).toMatchObject({ ok: false, reason: 'untrusted' });
  });

  it('garbage is untrusted, not an exception', () => {
    expect(verifyCertificateChain('not a certificate', { intermediates: [], anchors: [root.certPem] })).toEqual({
      ok: false,
      reason: 'untrusted',
      chain: [],
    });
    expect(
      verifyCertificateChain(issuing.certPem, { intermediates: ['junk'], anchors: ['junk', root.certPem] }).ok,
    ).toBe(true);
  });

  it('issuance refuses a key of another algorithm and a malformed credit code', async () => {
    const p256 = generateKeyPair('P256');
    await expect(sealCertFor(issuing, 'SM2', p256.publicKeyPem)).rejects.toThrow(/SM2/);
    await expect(
      issueSealCertificate(issuing, {
        algorithm: 'P256',
        publicKeyPem: p256.publicKeyPem,
        commonName: '局',
        organization: '政府',
        creditCode: 'short',
        notBefore: new Date(),
        notAfter: new Date(Date.now() + DAY),
      }),
    ).rejects.toThrow(/creditCode/);
  });
});

describe('certificateInfo', () => {
  it.each(SEAL_ALGORITHMS)('reads subject, issuer, serial, validity, fingerprint and algorithm (%s)', async (alg) => {
    const notBefore = new Date('2026-01-01T00:00:00Z');
    const notAfter = new Date('2031-01-01T00:00:00Z');
    const pem = await sealCertFor(issuing, alg, generateKeyPair(alg).publicKeyPem, {
      notBefore,
      notAfter,
      serialNumber: '0a1b2c3d4e5f',
    });
    const info = certificateInfo(pem);
    expect(info.subject).toEqual({
      commonName: '佛山市禅城区市场监督管理局',
      organization: '佛山市禅城区人民政府',
      serialNumber: CREDIT_CODE,
      country: 'CN',
      dn: `serialNumber=${CREDIT_CODE},CN=佛山市禅城区市场监督管理局,O=佛山市禅城区人民政府,C=CN`,
    });
    expect(info.issuer.commonName).toBe('一网电子印章签发CA');
    expect(info.issuer.organization).toBe('佛山市政务服务数据管理局');
    expect(info.serialNumber).toBe('0a1b2c3d4e5f');
    expect(info.notBefore).toBe(notBefore.toISOString());
    expect(info.notAfter).toBe(notAfter.toISOString());
    expect(info.algorithm).toBe(alg);
    expect(info.signatureAlgorithm).toBe('ECDSA-SHA256');
    expect(info.isCa).toBe(false);
    expect(info.fingerprintSha256).toBe(createHash('sha256').update(certificateDer(pem)).digest('hex'));
    // Node's own parser agrees.
    const x = new X509Certificate(pem);
    expect(x.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(info.fingerprintSha256);
    expect(x.serialNumber.toLowerCase()).toBe('0a1b2c3d4e5f');
    expect(x.subject).toContain('CN=佛山市禅城区市场监督管理局');
    expect(new Date(x.validTo).toISOString()).toBe(notAfter.toISOString());
  });
});

describe('publicKeyVerifier (key parsed once)', () => {
  it.each(['ED25519', 'P256', 'SM2'] as const)(
    '%s: agrees with verifyData, refuses changed data, another key and junk',
    (alg) => {
      const k = generateKeyPair(alg);
      const other = generateKeyPair(alg);
      const data = Buffer.from('yiwang-licence-v1 记录签名 '.repeat(10));
      const sig = signData(alg, k.privateKeyPem, data);
      const v = publicKeyVerifier(alg, k.publicKeyPem);
      expect(v(data, sig)).toBe(true);
      expect(v(data, sig)).toBe(verifyData(alg, k.publicKeyPem, data, sig));
      const changed = Buffer.from(data);
      changed[3] = changed[3]! ^ 1;
      expect(v(changed, sig)).toBe(false);
      expect(publicKeyVerifier(alg, other.publicKeyPem)(data, sig)).toBe(false);
      expect(v(data, Buffer.from('not a signature'))).toBe(false);
      expect(publicKeyVerifier(alg, 'not a key')(data, sig)).toBe(false);
    },
  );
});
