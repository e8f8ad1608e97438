/**
 * SM2 interoperability with the OpenSSL command line (OpenSSL ≥ 3.0): our signatures verify in
 * OpenSSL with the signer ID 1234567812345678 and OpenSSL's verify with ours, both ways refusing
 * another ID or changed data; our PEM keys are OpenSSL's and OpenSSL's are ours; our SM2 CA
 * certificates verify in OpenSSL given the same ID.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuingCa, createRootCa, issueSealCertificate } from '../src/pki/ca.ts';
import { generateKeyPair, publicKeyFromPrivate, SM2_DEFAULT_ID, signData, verifyData } from '../src/pki/keys.ts';

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const opensslVersion = openssl.status === 0 ? openssl.stdout.trim() : '';
const hasOpenssl3 = /^OpenSSL [3-9]\./.test(opensslVersion);
if (!hasOpenssl3)
  console.warn(`sm2.test.ts: OpenSSL 3 CLI not found (${opensslVersion || 'no openssl'}): interop tests skipped`);

let dir: string;
const file = (name: string) => join(dir, name);
const run = (args: string[]) => spawnSync('openssl', args, { encoding: 'utf8', cwd: dir });

/** `openssl pkeyutl -verify` with SM3 and a signer ID; true when OpenSSL says the signature verifies. */
function opensslVerifies(pubPem: string, data: Uint8Array, sig: Uint8Array, id = SM2_DEFAULT_ID): boolean {
  writeFileSync(file('pub.pem'), pubPem);
  writeFileSync(file('data'), data);
  writeFileSync(file('sig'), sig);
  const r = run([
    'pkeyutl',
    '-verify',
    '-rawin',
    '-digest',
    'sm3',
    '-pkeyopt',
    `distid:${id}`,
    '-pubin',
    '-inkey',
    'pub.pem',
    '-in',
    'data',
    '-sigfile',
    'sig',
  ]);
  return r.status === 0 && r.stdout.includes('Signature Verified Successfully');
}

/** `openssl pkeyutl -sign` with SM3 and a signer ID. */
function opensslSign(keyPem: string, data: Uint8Array, id = SM2_DEFAULT_ID): Buffer {
  writeFileSync(file('key.pem'), keyPem);
  writeFileSync(file('data'), data);
  execFileSync(
    'openssl',
    [
      'pkeyutl',
      '-sign',
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      `distid:${id}`,
      '-inkey',
      'key.pem',
      '-in',
      'data',
      '-out',
      'osig',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  return readFileSync(file('osig'));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'yw-sm2-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOpenssl3)('SM2 with the OpenSSL CLI', () => {
  const data = new TextEncoder().encode('佛山市禅城区市场监督管理局 电子印章 2026-03-05');

  it('OpenSSL reads our SM2 keys as SM2 keys', () => {
    const keys = generateKeyPair('SM2');
    writeFileSync(file('key.pem'), keys.privateKeyPem);
    const text = execFileSync('openssl', ['pkey', '-in', 'key.pem', '-noout', '-text'], { cwd: dir, encoding: 'utf8' });
    expect(text).toContain('ASN1 OID: SM2');
    const pub = execFileSync('openssl', ['pkey', '-in', 'key.pem', '-pubout'], { cwd: dir, encoding: 'utf8' });
    expect(pub).toBe(keys.publicKeyPem);
  });

  it('our signature verifies in OpenSSL; another ID or changed data is refused', () => {
    const keys = generateKeyPair('SM2');
    const sig = signData('SM2', keys.privateKeyPem, data);
    expect(opensslVerifies(keys.publicKeyPem, data, sig)).toBe(true);
    expect(opensslVerifies(keys.publicKeyPem, data, sig, '1234567812345679')).toBe(false);
    const changed = Uint8Array.from(data);
    changed[3] ^= 0x20;
    expect(opensslVerifies(keys.publicKeyPem, changed, sig)).toBe(false);
    expect(opensslVerifies(generateKeyPair('SM2').publicKeyPem, data, sig)).toBe(false);
  });

  it("OpenSSL's signature verifies with ours; another ID or changed data is refused", () => {
    const keys = generateKeyPair('SM2');
    const sig = opensslSign(keys.privateKeyPem, data);
    expect(verifyData('SM2', keys.publicKeyPem, data, sig)).toBe(true);
    const changed = Uint8Array.from(data);
    changed[0] ^= 1;
    expect(verifyData('SM2', keys.publicKeyPem, changed, sig)).toBe(false);
    const otherId = opensslSign(keys.privateKeyPem, data, 'ALICE123@YAHOO.COM');
    expect(verifyData('SM2', keys.publicKeyPem, data, otherId)).toBe(false);
    // ...and the same signature is good for OpenSSL under its own ID, so the refusal is about the ID.
    expect(opensslVerifies(keys.publicKeyPem, data, otherId, 'ALICE123@YAHOO.COM')).toBe(true);
  });

  it('an OpenSSL-generated SM2 key works with our signer, OpenSSL verifying', () => {
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'gen.pem'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const keyPem = readFileSync(file('gen.pem'), 'utf8');
    const pubPem = execFileSync('openssl', ['pkey', '-in', 'gen.pem', '-pubout'], { cwd: dir, encoding: 'utf8' });
    expect(publicKeyFromPrivate('SM2', keyPem)).toBe(pubPem);
    const sig = signData('SM2', keyPem, data);
    expect(opensslVerifies(pubPem, data, sig)).toBe(true);
    expect(verifyData('SM2', pubPem, data, sig)).toBe(true);
  });

  it('SM2 CA certificates (sm2-with-sm3) verify in OpenSSL with the signer ID 1234567812345678', async () => {
    const root = await createRootCa({ commonName: 'SM2 根CA', organization: '一网', years: 10, algorithm: 'SM2' });
    const issuing = await createIssuingCa(root, { commonName: 'SM2 签发CA', years: 5, algorithm: 'SM2' });
    const leaf = await issueSealCertificate(issuing, {
      algorithm: 'SM2',
      publicKeyPem: generateKeyPair('SM2').publicKeyPem,
      commonName: '佛山市禅城区市场监督管理局',
      organization: '佛山市禅城区人民政府',
      creditCode: '11440604MB2C12345X',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    writeFileSync(file('root.pem'), root.certPem);
    writeFileSync(file('issuing.pem'), issuing.certPem);
    writeFileSync(file('leaf.pem'), leaf);
    // `openssl verify -vfyopt distid:` sets the ID on the certificate being checked, so each link is checked alone.
    const link1 = run(['verify', '-vfyopt', `distid:${SM2_DEFAULT_ID}`, '-CAfile', 'root.pem', 'issuing.pem']);
    expect(link1.stdout.trim()).toBe('issuing.pem: OK');
    const link2 = run([
      'verify',
      '-vfyopt',
      `distid:${SM2_DEFAULT_ID}`,
      '-partial_chain',
      '-CAfile',
      'issuing.pem',
      'leaf.pem',
    ]);
    expect(link2.stdout.trim()).toBe('leaf.pem: OK');
    const text = execFileSync('openssl', ['x509', '-in', 'leaf.pem', '-noout', '-text'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(text).toContain('Signature Algorithm: SM2-with-SM3');
    expect(text).toContain('Digital Signature, Non Repudiation');
  });
});
