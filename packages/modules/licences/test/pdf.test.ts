/**
 * Licence PDFs end to end: rendering (Chinese text extracted by pdftotext and drawn by poppler
 * with the embedded subset font, QR code decoded from the rendered page, metadata read back),
 * PAdES signatures with P-256, Ed25519 and SM2 seals checked by our verifier, by poppler's pdfsig
 * over NSS (P-256; the platform root imported into a fresh NSS database) and, for the CMS
 * signature values, by Node's crypto and the OpenSSL CLI independently of our code.
 */

import { spawnSync } from 'node:child_process';
import { createHash, verify as nodeVerify, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import jsQR from 'jsqr';
import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFNumber } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontBytes, licenceFontkit } from '../src/pdf/font.ts';
import {
  LICENCE_SEAL_RECT,
  LicenceLayoutError,
  type LicenceRenderInput,
  renderLicencePdf,
  UnsupportedCharactersError,
  wrapText,
} from '../src/pdf/render.ts';
import { sealSvg } from '../src/pdf/seal.ts';
import { signPdf } from '../src/pdf/sign.ts';
import { verifyPdfSignature } from '../src/pdf/verify.ts';
import { type CaCertificate, createIssuingCa, createRootCa, issueSealCertificate } from '../src/pki/ca.ts';
import { generateKeyPair, OID, SEAL_ALGORITHMS, type SealAlgorithm, SM2_DEFAULT_ID } from '../src/pki/keys.ts';

const DAY = 86_400_000;

function tool(name: string, args: string[] = ['-v']): boolean {
  const r = spawnSync(name, args, { encoding: 'utf8' });
  return r.error === undefined;
}
const hasPoppler = tool('pdftotext') && tool('pdftoppm') && tool('pdffonts');
const hasPdfsig = tool('pdfsig') && tool('certutil', ['-H']);
const hasOpenssl = tool('openssl', ['version']);
if (!hasPoppler)
  console.warn('pdf.test.ts: poppler-utils (pdftotext, pdftoppm, pdffonts) missing: rendering checks skipped');
if (!hasPdfsig) {
  console.warn('pdf.test.ts: pdfsig (poppler-utils) or certutil (libnss3-tools) missing: pdfsig/NSS checks skipped');
}
if (!hasOpenssl) console.warn('pdf.test.ts: openssl CLI missing: independent SM2/SM3 checks skipped');

let dir: string;
const file = (name: string) => join(dir, name);
function exec(cmd: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const licence: LicenceRenderInput = {
  title: '食品经营许可证',
  titleEn: 'Food Business Licence',
  identifier: '1.2.156.3005.2.11100000000013338W001.11440604MB2C12345X.JY14406040012345.001.K',
  licenceNumber: 'JY14406040012345',
  holderName: '佛山市禅城区陈记餐饮有限公司',
  holderCode: '91440604MA4UJ1234X',
  fields: [
    { label: '法定代表人（负责人）', value: '陈美玲' },
    { label: '经营场所', value: '佛山市禅城区祖庙街道人民路100号首层之一（自编A铺）' },
    { label: '主体业态', value: '餐饮服务经营者（中型餐馆）' },
    {
      label: '经营项目',
      value: '热食类食品制售；冷食类食品制售；自制饮品制售（不含自酿酒）；预包装食品（含冷藏冷冻食品）销售',
    },
    { label: '日常监督管理机构', value: '佛山市禅城区市场监督管理局祖庙市场监督管理所' },
  ],
  issuerName: '佛山市禅城区市场监督管理局',
  issueDate: '2026-03-05',
  validFrom: '2026-03-05',
  validTo: '2031-03-04',
  verifyUrl: 'https://yiwang.example.gov.cn/verify/licence/3f2a9c1e-7b44-4e0a-9d1c-2b8e6f0a1c55?t=AbCdEf123',
  seal: { departmentName: '佛山市禅城区市场监督管理局', subtitle: '电子印章专用' },
  metadata: { HolderCodeType: '001', LicenceVersion: '001' },
};

/** Rasterises page 1 with pdftoppm and decodes it. */
function rasterise(pdf: Uint8Array, dpi: number, name: string): { png: PNG; stderr: string } {
  writeFileSync(file(`${name}.pdf`), pdf);
  const r = exec('pdftoppm', ['-png', '-r', String(dpi), '-singlefile', `${name}.pdf`, name]);
  expect(r.status).toBe(0);
  return { png: PNG.sync.read(readFileSync(file(`${name}.png`))), stderr: r.stderr };
}

/** Pixels in a box (in PDF points from the top-left) matching a predicate. */
function countPixels(
  png: PNG,
  dpi: number,
  box: [number, number, number, number],
  test: (r: number, g: number, b: number) => boolean,
): number {
  const k = dpi / 72;
  let n = 0;
  for (let y = Math.floor(box[1] * k); y < Math.min(png.height, box[3] * k); y++) {
    for (let x = Math.floor(box[0] * k); x < Math.min(png.width, box[2] * k); x++) {
      const i = (y * png.width + x) * 4;
      if (test(png.data[i], png.data[i + 1], png.data[i + 2])) n++;
    }
  }
  return n;
}
const dark = (r: number, g: number, b: number) => r < 110 && g < 110 && b < 110;
const red = (r: number, g: number, b: number) => r > 150 && g < 90 && b < 100;

/** The last signature's byte range, the signed bytes and the CMS (DER) of a signed PDF. */
function extractSignature(pdf: Uint8Array): { range: number[]; signed: Buffer; cms: Buffer } {
  const buf = Buffer.from(pdf);
  const m = [...buf.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].pop();
  if (!m) throw new Error('no byte range');
  const [a, b, c, d] = m.slice(1, 5).map(Number);
  return {
    range: [a, b, c, d],
    signed: Buffer.concat([buf.subarray(a, a + b), buf.subarray(c, c + d)]),
    cms: Buffer.from(buf.subarray(b + 1, c - 1).toString('latin1'), 'hex'),
  };
}

/** Reads SignerInfo parts with plain asn1js (not pkijs, not our code). */
function signerInfoParts(cms: Buffer) {
  const ci = asn1js.fromBER(Uint8Array.from(cms)).result as asn1js.Sequence;
  const sd = (ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  const items = sd.valueBlock.value;
  const signerInfos = items[items.length - 1] as asn1js.Set;
  const si = signerInfos.valueBlock.value[0] as asn1js.Sequence;
  const [, , digestAlg, signedAttrs, sigAlg, signature] = si.valueBlock.value;
  const attrsDer = Buffer.from((signedAttrs as asn1js.Constructed).valueBeforeDecodeView);
  attrsDer[0] = 0x31; // [0] IMPLICIT → SET OF, as signed
  const oidOf = (s: asn1js.AsnType) =>
    ((s as asn1js.Sequence).valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
  const attrs = new Map<string, asn1js.AsnType>();
  for (const a of (signedAttrs as asn1js.Constructed).valueBlock.value as asn1js.Sequence[]) {
    const [type, values] = a.valueBlock.value;
    attrs.set((type as asn1js.ObjectIdentifier).valueBlock.toString(), (values as asn1js.Set).valueBlock.value[0]);
  }
  return {
    digestOid: oidOf(digestAlg),
    signatureOid: oidOf(sigAlg),
    attrsDer,
    attrs,
    signature: Buffer.from((signature as asn1js.OctetString).valueBlock.valueHexView),
  };
}

let root: CaCertificate;
let issuing: CaCertificate;
let unsigned: Uint8Array;
const seals = {} as Record<SealAlgorithm, { privateKeyPem: string; certPem: string; notAfter: Date }>;
const signed = {} as Record<SealAlgorithm, Buffer>;
const signingTime = new Date('2026-03-05T02:30:00Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yw-pdf-'));
  const notBefore = new Date('2025-01-01T00:00:00Z');
  root = await createRootCa({
    commonName: '一网电子印章根CA',
    organization: '佛山市政务服务数据管理局',
    years: 20,
    notBefore,
  });
  issuing = await createIssuingCa(root, { commonName: '一网电子印章签发CA', years: 10, notBefore });
  for (const alg of SEAL_ALGORITHMS) {
    const keys = generateKeyPair(alg);
    const notAfter = new Date(Date.now() + 3 * 365 * DAY);
    const certPem = await issueSealCertificate(issuing, {
      algorithm: alg,
      publicKeyPem: keys.publicKeyPem,
      commonName: '佛山市禅城区市场监督管理局',
      organization: '佛山市禅城区人民政府',
      creditCode: '11440604MB2C12345X',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter,
    });
    seals[alg] = { privateKeyPem: keys.privateKeyPem, certPem, notAfter };
  }
  let t = performance.now();
  unsigned = await renderLicencePdf(licence);
  const firstRender = performance.now() - t;
  t = performance.now();
  await renderLicencePdf(licence);
  const warmRender = performance.now() - t;
  const signTimes: string[] = [];
  for (const alg of SEAL_ALGORITHMS) {
    t = performance.now();
    signed[alg] = await signPdf(
      unsigned,
      {
        algorithm: alg,
        privateKeyPem: seals[alg].privateKeyPem,
        certPem: seals[alg].certPem,
        chainPems: [issuing.certPem, root.certPem],
      },
      { reason: '电子证照签发', name: '佛山市禅城区市场监督管理局', location: '广东省佛山市', signingTime },
    );
    signTimes.push(`${alg} ${(performance.now() - t).toFixed(0)} ms`);
  }
  console.info(
    `licence PDF: ${unsigned.length} bytes; render first ${firstRender.toFixed(0)} ms (font load), then ${warmRender.toFixed(0)} ms; sign ${signTimes.join(', ')}`,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('licence rendering', () => {
  it.skipIf(!hasPoppler)('pdftotext gives back the Chinese text and poppler draws the subset font', () => {
    writeFileSync(file('licence.pdf'), unsigned);
    const text = exec('pdftotext', ['-enc', 'UTF-8', 'licence.pdf', '-']).stdout.replace(/\s+/g, '');
    for (const s of [
      licence.title,
      `证照编号：${licence.licenceNumber}`,
      licence.holderName,
      '统一社会信用代码',
      licence.holderCode,
      '佛山市禅城区祖庙街道人民路100号首层之一（自编A铺）',
      '热食类食品制售；冷食类食品制售',
      '2026-03-05至2031-03-04',
      licence.issuerName,
      '2026年3月5日',
      '扫码核验',
      `证照标识：${licence.identifier}`,
    ]) {
      expect(text).toContain(s);
    }
    // The seal's lettering is drawn as outlines: its characters do not scatter into the text.
    expect(text).not.toContain('电子印章专用');

    const fonts = exec('pdffonts', ['licence.pdf']);
    expect(fonts.stderr).toBe('');
    const rows = fonts.stdout.split('\n').filter((l) => l.startsWith('NotoSansHans'));
    expect(rows).toHaveLength(2); // Regular and Bold
    for (const row of rows) expect(row).toMatch(/CID Type 0C\s+Identity-H\s+yes\s+\S+\s+yes/);
    // A subset, not the 8 MB font.
    expect(unsigned.length).toBeLessThan(200_000);

    // Real glyphs: the title band is full of ink; poppler reports no font errors.
    const { png, stderr } = rasterise(unsigned, 72, 'page72');
    expect(stderr).not.toMatch(/error/i);
    const titleInk = countPixels(png, 72, [120, 60, 475, 125], dark);
    expect(titleInk).toBeGreaterThan(1500);
    // ...and an empty band (between the table and the seal block) has none.
    expect(countPixels(png, 72, [60, 600, 330, 610], dark)).toBe(0);
  });

  it.skipIf(!hasPoppler)('the QR code on the page holds the verify URL and the vector seal is red', () => {
    const dpi = 150;
    const { png } = rasterise(unsigned, dpi, 'page150');
    const k = dpi / 72;
    // Bottom-left block: x 60..190 pt, y (from the top) 620..740 pt.
    const [x0, y0, w, h] = [60, 620, 130, 120].map((v) => Math.round(v * k));
    const crop = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) {
      const from = ((y0 + y) * png.width + x0) * 4;
      crop.set(png.data.subarray(from, from + w * 4), y * w * 4);
    }
    expect(jsQR(crop, w, h)?.data).toBe(licence.verifyUrl);
    // The seal, centred 160 pt from the right and bottom edges, is red ink.
    expect(countPixels(png, dpi, [375, 622, 495, 742], red)).toBeGreaterThan(3000);
  });

  it('identifiers are in the Info dictionary and XMP, and read back by the verifier', async () => {
    const doc = await PDFDocument.load(unsigned, { updateMetadata: false });
    expect(doc.getTitle()).toBe(`${licence.title} ${licence.licenceNumber}`);
    expect(doc.getKeywords()).toContain(licence.identifier);
    const v = await verifyPdfSignature(unsigned, { anchors: [root.certPem] });
    expect(v.status).toBe('unsigned');
    expect(v.metadata).toMatchObject({
      LicenceIdentifier: licence.identifier,
      LicenceNumber: licence.licenceNumber,
      IssuerName: licence.issuerName,
      IssueDate: '2026-03-05',
      ValidTo: '2031-03-04',
      VerifyUrl: licence.verifyUrl,
      HolderCodeType: '001',
      LicenceVersion: '001',
      Title: `${licence.title} ${licence.licenceNumber}`,
    });
    const xmp = Buffer.from(unsigned).toString('utf8');
    expect(xmp).toContain(`<yw:LicenceIdentifier>${licence.identifier}</yw:LicenceIdentifier>`);
    await expect(renderLicencePdf({ ...licence, metadata: { Title: 'x' } })).rejects.toThrow(/metadata key/);
  });

  it.skipIf(!hasPoppler)('an authorised copy carries the diagonal watermark and says so in its metadata', async () => {
    const copy = await renderLicencePdf({ ...licence, watermark: ['仅供办理银行开户使用', '有效期至2026-12-31'] });
    writeFileSync(file('copy.pdf'), copy);
    // Diagonal text: -raw keeps each watermark string together (content stream order).
    const text = exec('pdftotext', ['-raw', '-enc', 'UTF-8', 'copy.pdf', '-']).stdout.replace(/\s+/g, '');
    expect(text).toContain('仅供办理银行开户使用·有效期至2026-12-31');
    expect((await verifyPdfSignature(copy, { anchors: [] })).metadata.AnnotatedCopy).toBe(
      '仅供办理银行开户使用 / 有效期至2026-12-31',
    );
    // Light: the watermark adds some ink to an otherwise empty band, but no dark pixels.
    const { png } = rasterise(copy, 72, 'copy72');
    expect(countPixels(png, 72, [60, 600, 330, 610], dark)).toBe(0);
    expect(countPixels(png, 72, [60, 560, 330, 640], (r, g, b) => r > g + 15 && r > b + 15)).toBeGreaterThan(50);
  });

  it.skipIf(!hasPoppler)('an uploaded PNG seal picture is drawn instead of the generated seal', async () => {
    const picture = new PNG({ width: 240, height: 240 });
    for (let y = 0; y < 240; y++) {
      for (let x = 0; x < 240; x++) {
        const i = (y * 240 + x) * 4;
        const r = Math.hypot(x - 120, y - 120);
        const ink = r < 118 && r > 100;
        picture.data.set(ink ? [220, 0, 30, 255] : [255, 255, 255, 0], i);
      }
    }
    const pdf = await renderLicencePdf({ ...licence, seal: { png: PNG.sync.write(picture) } });
    writeFileSync(file('png-seal.pdf'), pdf);
    const images = exec('pdfimages', ['-list', 'png-seal.pdf']).stdout.split('\n');
    expect(images.filter((l) => /^\s*1\s+\d+\s+image\s+240\s+240\s/.test(l))).toHaveLength(1);
    const { png } = rasterise(pdf, 72, 'pngseal');
    expect(countPixels(png, 72, [375, 622, 495, 742], red)).toBeGreaterThan(800);
  });

  it('characters the font cannot draw are refused instead of printing blank', async () => {
    const err = await renderLicencePdf({ ...licence, holderName: '𠮷野家餐饮有限公司' }).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedCharactersError);
    expect(err.chars).toEqual(['𠮷']);
  });

  it('fields that do not fit on one page are refused', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => ({ label: `项目${i}`, value: '热食类食品制售'.repeat(6) }));
    await expect(renderLicencePdf({ ...licence, fields })).rejects.toBeInstanceOf(LicenceLayoutError);
    await expect(renderLicencePdf({ ...licence, issueDate: '2026-02-30' })).rejects.toThrow(/issueDate/);
  });

  it('text wraps within the column, between CJK characters or Latin words, keeping punctuation rules', async () => {
    const doc = await PDFDocument.create();
    doc.registerFontkit(licenceFontkit);
    const font = await doc.embedFont(fontBytes('Regular'), { subset: true });
    const text = '热食类食品制售；冷食类食品制售（仅限生食类水产品）。Mixed English words wrap between words here.';
    const lines = wrapText(text, font, 12, 150);
    expect(lines.length).toBeGreaterThan(2);
    // Only narrow Latin punctuation may hang past the column.
    for (const line of lines) expect(font.widthOfTextAtSize(line, 12)).toBeLessThanOrEqual(150 + 4);
    expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    for (const line of lines) {
      expect(line).not.toMatch(/^[，。；：）]/);
      expect(line).not.toMatch(/[（]$/);
    }
    // No Latin word is split across lines.
    const words = new Set(text.match(/[A-Za-z]+/g));
    for (const line of lines) for (const w of line.match(/[A-Za-z]+/g) ?? []) expect(words).toContain(w);
  });

  it('sealSvg draws the seal as self-contained vector paths', () => {
    const svg = sealSvg('佛山市禅城区市场监督管理局', { subtitle: '电子印章专用', size: 200 });
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="200" height="200" viewBox="-100 -100 200 200"/,
    );
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).not.toContain('<text');
    const paths = [...svg.matchAll(/<path d="([^"]+)"\/>/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    for (const d of paths) expect(d).toMatch(/^[MLCQZ0-9 .-]+$/);
    expect(svg).toContain('aria-label="佛山市禅城区市场监督管理局 电子印章专用"');
    expect(sealSvg('<script>')).toContain('aria-label="&#60;script&#62;"');
    expect(sealSvg('佛山市人民政府')).not.toBe(sealSvg('佛山市禅城区人民政府'));
  });
});

describe('signed licence PDFs', () => {
  it.skipIf(!hasPdfsig)('pdfsig (poppler over NSS) validates the P-256 signature and trusts the platform root', () => {
    const nss = file('nss');
    mkdirSync(nss);
    expect(exec('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']).status).toBe(0);
    writeFileSync(file('root.pem'), root.certPem);
    expect(exec('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'yw-root', '-t', 'CT,C,C', '-i', 'root.pem']).status).toBe(
      0,
    );
    writeFileSync(file('p256.pdf'), signed.P256);
    const out = exec('pdfsig', ['-nssdir', `sql:${nss}`, 'p256.pdf']).stdout;
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signer Certificate Common Name: 佛山市禅城区市场监督管理局');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');

    // One byte changed inside the signed range (the XMP packet: the file still parses).
    const flipped = Buffer.from(signed.P256);
    const at = flipped.indexOf('<xmp:CreatorTool>Yiwang') + '<xmp:CreatorTool>'.length;
    expect(at).toBeGreaterThan(100);
    flipped[at] = 'Z'.charCodeAt(0);
    writeFileSync(file('flipped.pdf'), flipped);
    expect(exec('pdfsig', ['-nssdir', `sql:${nss}`, 'flipped.pdf']).stdout).toContain(
      'Signature Validation: Digest Mismatch.',
    );

    // Ed25519 and SM2: pdfsig reads the signature; NSS's CMS decides whether it knows the algorithm.
    for (const alg of ['ED25519', 'SM2'] as const) {
      writeFileSync(file(`${alg}.pdf`), signed[alg]);
      const r = exec('pdfsig', ['-nssdir', `sql:${nss}`, `${alg}.pdf`]).stdout;
      expect(r).toContain('Signature Type: ETSI.CAdES.detached');
      expect(r).toContain('Total document signed');
      const verdict = r.split('\n').filter((l) => l.includes('Validation:') || l.includes('Hash Algorithm'));
      console.info(`pdfsig on the ${alg} signature: ${verdict.map((l) => l.trim()).join(' | ')}`);
    }
  });

  it('our verifier accepts the P-256, Ed25519 and SM2 signed PDFs', async () => {
    for (const alg of SEAL_ALGORITHMS) {
      const v = await verifyPdfSignature(signed[alg], { anchors: [root.certPem] });
      expect(v.reason).toMatch(/^the signature is valid/);
      expect(v.status).toBe('valid');
      expect(v.algorithm).toBe(alg);
      expect(v.byteRangeCoversFile).toBe(true);
      expect(v.signedAt).toBe(signingTime.toISOString());
      expect(v.subFilter).toBe('ETSI.CAdES.detached');
      expect(v.signReason).toBe('电子证照签发');
      expect(v.signerName).toBe('佛山市禅城区市场监督管理局');
      expect(v.location).toBe('广东省佛山市');
      expect(v.signer?.subject.commonName).toBe('佛山市禅城区市场监督管理局');
      expect(v.signer?.subject.serialNumber).toBe('11440604MB2C12345X');
      expect(v.signer?.algorithm).toBe(alg);
      expect(v.chain).toEqual([seals[alg].certPem, issuing.certPem, root.certPem]);
      expect(v.metadata.LicenceIdentifier).toBe(licence.identifier);
    }
  });

  it('the CMS is PAdES baseline B and its signature checks out with independent tools', () => {
    for (const alg of SEAL_ALGORITHMS) {
      const { signed: content, cms } = extractSignature(signed[alg]);
      const p = signerInfoParts(cms);
      expect(p.digestOid).toBe({ P256: OID.sha256, ED25519: OID.sha512, SM2: OID.sm3 }[alg]);
      expect(p.signatureOid).toBe({ P256: OID.ecdsaWithSha256, ED25519: OID.ed25519, SM2: OID.sm2WithSm3 }[alg]);
      expect([...p.attrs.keys()].sort()).toEqual([
        '1.2.840.113549.1.9.16.2.47', // signingCertificateV2
        '1.2.840.113549.1.9.3', // contentType
        '1.2.840.113549.1.9.4', // messageDigest
      ]);
      const md = Buffer.from((p.attrs.get('1.2.840.113549.1.9.4') as asn1js.OctetString).valueBlock.valueHexView);
      const cert = new X509Certificate(seals[alg].certPem);
      // signingCertificateV2 → ESSCertIDv2.certHash is SHA-256 of the signer certificate.
      const ess = p.attrs.get('1.2.840.113549.1.9.16.2.47') as asn1js.Sequence;
      const essId = ((ess.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock
        .value;
      expect(Buffer.from((essId[0] as asn1js.OctetString).valueBlock.valueHexView)).toEqual(
        createHash('sha256').update(cert.raw).digest(),
      );
      if (alg === 'SM2') {
        if (!hasOpenssl) continue;
        writeFileSync(file('content.bin'), content);
        expect(exec('openssl', ['dgst', '-sm3', '-r', 'content.bin']).stdout.split(' ')[0]).toBe(md.toString('hex'));
        writeFileSync(file('attrs.der'), p.attrsDer);
        writeFileSync(file('attrs.sig'), p.signature);
        writeFileSync(file('sm2pub.pem'), cert.publicKey.export({ type: 'spki', format: 'pem' }));
        const r = exec('openssl', [
          'pkeyutl',
          '-verify',
          '-rawin',
          '-digest',
          'sm3',
          '-pkeyopt',
          `distid:${SM2_DEFAULT_ID}`,
          '-pubin',
          '-inkey',
          'sm2pub.pem',
          '-in',
          'attrs.der',
          '-sigfile',
          'attrs.sig',
        ]);
        expect(r.stdout).toContain('Signature Verified Successfully');
      } else {
        expect(md).toEqual(
          createHash(alg === 'P256' ? 'sha256' : 'sha512')
            .update(content)
            .digest(),
        );
        const ok = nodeVerify(alg === 'P256' ? 'sha256' : null, p.attrsDer, cert.publicKey, p.signature);
        expect(ok).toBe(true);
      }
    }
  });

  it.skipIf(!hasOpenssl)('OpenSSL verifies the P-256 CMS against the platform root', () => {
    const { signed: content, cms } = extractSignature(signed.P256);
    writeFileSync(file('p256.cms'), cms);
    writeFileSync(file('p256.content'), content);
    writeFileSync(file('root.pem'), root.certPem);
    const r = exec('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'p256.cms',
      '-content',
      'p256.content',
      '-CAfile',
      'root.pem',
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    expect(r.stderr).toContain('CMS Verification successful');
  });

  it('a signer identified by subject key identifier instead of issuer and serial is found', async () => {
    const { range, cms } = extractSignature(signed.P256);
    const ci = new pkijs.ContentInfo({ schema: asn1js.fromBER(Uint8Array.from(cms)).result });
    const sd = new pkijs.SignedData({ schema: ci.content });
    const ski = createHash('sha1')
      .update(
        Buffer.from(new X509Certificate(seals.P256.certPem).publicKey.export({ type: 'spki', format: 'der' })).subarray(
          -65,
        ),
      )
      .digest();
    sd.signerInfos[0].sid = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: ski });
    sd.signerInfos[0].version = 3;
    sd.version = 3;
    const der = Buffer.from(
      new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER(),
    );
    const hex = der.toString('hex');
    const hole = range[2] - range[1] - 2;
    expect(hex.length).toBeLessThan(hole);
    const pdf = Buffer.from(signed.P256);
    pdf.write(hex.padEnd(hole, '0'), range[1] + 1, 'latin1');
    const v = await verifyPdfSignature(pdf, { anchors: [root.certPem] });
    expect(v.status).toBe('valid');
    expect(v.signer?.subjectKeyId).toBe(ski.toString('hex'));
  });

  it('a flipped byte inside the signed range is tampered', async () => {
    for (const alg of SEAL_ALGORITHMS) {
      const flipped = Buffer.from(signed[alg]);
      const at = flipped.indexOf(licence.licenceNumber);
      flipped[at] ^= 0x01;
      const v = await verifyPdfSignature(flipped, { anchors: [root.certPem] });
      expect(v.status).toBe('tampered');
      expect(v.reason).toMatch(/digest mismatch/);
    }
  });

  it('bytes appended after signing make it tampered: the byte range no longer covers the file', async () => {
    const appended = Buffer.concat([signed.P256, Buffer.from('\n1 0 obj\n<< /Evil true >>\nendobj\n')]);
    const v = await verifyPdfSignature(appended, { anchors: [root.certPem] });
    expect(v.status).toBe('tampered');
    expect(v.byteRangeCoversFile).toBe(false);
  });

  it('anchors of another CA answer unknown', async () => {
    const other = await createRootCa({ commonName: '其他根CA', organization: '其他机构', years: 5 });
    for (const alg of SEAL_ALGORITHMS) {
      const v = await verifyPdfSignature(signed[alg], { anchors: [other.certPem] });
      expect(v.status).toBe('unknown');
      expect(v.chainFailure).toBe('untrusted');
      expect(v.signer?.subject.commonName).toBe('佛山市禅城区市场监督管理局');
    }
    expect((await verifyPdfSignature(signed.P256, { anchors: [] })).status).toBe('unknown');
  });

  it('expired: checked after the seal certificate ended, or signed outside its validity', async () => {
    const later = new Date(seals.SM2.notAfter.getTime() + DAY);
    const v = await verifyPdfSignature(signed.SM2, { anchors: [root.certPem], at: later });
    expect(v).toMatchObject({ status: 'expired', chainFailure: 'expired' });

    const early = await signPdf(
      unsigned,
      {
        algorithm: 'P256',
        privateKeyPem: seals.P256.privateKeyPem,
        certPem: seals.P256.certPem,
        chainPems: [issuing.certPem],
      },
      { reason: '电子证照签发', name: '局', signingTime: new Date('2025-06-01T00:00:00Z') },
    );
    const e = await verifyPdfSignature(early, { anchors: [root.certPem] });
    expect(e.status).toBe('expired');
    expect(e.reason).toMatch(/signing time/);
  });

  it('garbage and broken signatures never throw', async () => {
    const anchors = [root.certPem];
    expect((await verifyPdfSignature(randomBytes(5000), { anchors })).status).toBe('unsigned');
    expect((await verifyPdfSignature(new Uint8Array(0), { anchors })).status).toBe('unsigned');
    expect((await verifyPdfSignature(Buffer.from('%PDF-1.7\n%%EOF'), { anchors })).status).toBe('unsigned');

    const { range } = extractSignature(signed.ED25519);
    const zeroed = Buffer.from(signed.ED25519);
    zeroed.fill('0'.charCodeAt(0), range[1] + 1, range[2] - 1);
    const z = await verifyPdfSignature(zeroed, { anchors });
    expect(z.status).toBe('tampered');

    const notHex = Buffer.from(signed.ED25519);
    notHex[range[1] + 10] = 'x'.charCodeAt(0);
    expect((await verifyPdfSignature(notHex, { anchors })).status).toBe('tampered');

    const truncated = signed.SM2.subarray(0, Math.floor(signed.SM2.length * 0.97));
    expect((await verifyPdfSignature(truncated, { anchors })).status).toBe('tampered');

    const text = signed.P256.toString('latin1');
    const br = /\/ByteRange \[[^\]]+\]/.exec(text);
    if (!br) throw new Error('no byte range');
    const outOfBounds = Buffer.from(
      text.replace(br[0], `/ByteRange [0 10 20 ${'9'.repeat(9)}]`.padEnd(br[0].length, ' ')),
      'latin1',
    );
    expect((await verifyPdfSignature(outOfBounds, { anchors })).status).toBe('tampered');

    const garbageCms = Buffer.from(signed.P256);
    garbageCms.write(randomBytes(40).toString('hex'), range[1] + 1, 'latin1');
    expect(['tampered', 'unknown']).toContain((await verifyPdfSignature(garbageCms, { anchors })).status);
  });

  it("a visible signature widget can sit on the seal; a key that is not the certificate's is refused", async () => {
    const pdf = await signPdf(
      unsigned,
      {
        algorithm: 'SM2',
        privateKeyPem: seals.SM2.privateKeyPem,
        certPem: seals.SM2.certPem,
        chainPems: [issuing.certPem],
      },
      { reason: '电子证照签发', name: '局', signingTime, widgetRect: LICENCE_SEAL_RECT },
    );
    expect((await verifyPdfSignature(pdf, { anchors: [root.certPem] })).status).toBe('valid');
    const doc = await PDFDocument.load(pdf);
    const widget = doc.getPage(0).node.Annots()?.lookup(0, PDFDict);
    expect(
      widget
        ?.lookup(PDFName.of('Rect'), PDFArray)
        .asArray()
        .map((n) => (n as PDFNumber).asNumber()),
    ).toEqual(LICENCE_SEAL_RECT);
    await expect(
      signPdf(
        unsigned,
        {
          algorithm: 'SM2',
          privateKeyPem: generateKeyPair('SM2').privateKeyPem,
          certPem: seals.SM2.certPem,
          chainPems: [],
        },
        { reason: 'x', name: 'x' },
      ),
    ).rejects.toThrow(/does not belong/);
    await expect(
      signPdf(
        unsigned,
        { algorithm: 'P256', privateKeyPem: seals.P256.privateKeyPem, certPem: seals.SM2.certPem, chainPems: [] },
        { reason: 'x', name: 'x' },
      ),
    ).rejects.toThrow(/not for a P256 key/);
  });

  it('a signed PDF is not signed again (that would void the first signature)', async () => {
    await expect(
      signPdf(
        signed.P256,
        { algorithm: 'P256', privateKeyPem: seals.P256.privateKeyPem, certPem: seals.P256.certPem, chainPems: [] },
        { reason: 'again', name: 'x' },
      ),
    ).rejects.toThrow(/already signed/);
  });
});
