/**
 * Verification of a signed licence PDF: the last signature's byte range and contents, the digest,
 * the CMS signature over the signed attributes (Ed25519, P-256, SM2), the certificate path to a
 * trusted anchor, validity at the signing time and at `at`, and the licence metadata read back
 * from the Info dictionary (and XMP). Never throws: garbage answers `unsigned` or a clear result.
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFStream,
  PDFString,
} from 'pdf-lib';
import { type CertificateInfo, type ChainFailure, certificateInfo, verifyCertificateChain } from '../pki/ca.ts';
import { checkCadesSignature } from '../pki/cms.ts';
import type { SealAlgorithm } from '../pki/keys.ts';
import { LICENCE_XMP_NS } from './render.ts';

/** Outcome of a PDF signature check. */
export type PdfSignatureStatus = 'valid' | 'tampered' | 'unknown' | 'unsigned' | 'expired';

export interface PdfVerification {
  status: PdfSignatureStatus;
  /** Why, in words (English, for logs and staff). */
  reason: string;
  signer?: CertificateInfo;
  /** Certificate path from the signer towards the anchor (PEMs), as far as it was built. */
  chain: string[];
  /** Signing time claimed in the signature dictionary (/M), ISO 8601. */
  signedAt?: string;
  /** Info dictionary entries (and yw: XMP entries missing from it) as text. */
  metadata: Record<string, string>;
  /** The byte range starts at 0 and covers the whole file except the /Contents hex string. */
  byteRangeCoversFile: boolean;
  algorithm?: SealAlgorithm;
  subFilter?: string;
  /** /Name, /Reason, /Location of the signature dictionary. */
  signerName?: string;
  signReason?: string;
  location?: string;
  /** Why the certificate path was refused, when it was. */
  chainFailure?: ChainFailure;
}

/** Verifies the last signature of a PDF against trusted CA certificates (PEM). */
export async function verifyPdfSignature(
  bytes: Uint8Array,
  opts: { anchors: string[]; at?: Date },
): Promise<PdfVerification> {
  let buf: Buffer;
  try {
    buf = Buffer.from(bytes);
  } catch {
    return { status: 'unsigned', reason: 'not a byte string', chain: [], metadata: {}, byteRangeCoversFile: false };
  }
  const doc = await loadQuietly(buf);
  const metadata = doc ? readMetadata(doc) : {};
  const base = { chain: [] as string[], metadata, byteRangeCoversFile: false };
  try {
    return await verify(buf, doc, opts, base);
  } catch (e) {
    return { ...base, status: 'tampered', reason: `the signature cannot be read (${(e as Error).message})` };
  }
}

async function verify(
  buf: Buffer,
  doc: PDFDocument | undefined,
  opts: { anchors: string[]; at?: Date },
  base: { chain: string[]; metadata: Record<string, string>; byteRangeCoversFile: boolean },
): Promise<PdfVerification> {
  const text = buf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges[ranges.length - 1];
  if (!last || last.index === undefined) {
    if (!text.startsWith('%PDF-')) return { ...base, status: 'unsigned', reason: 'not a PDF' };
    return { ...base, status: 'unsigned', reason: 'the PDF has no signature' };
  }
  const [a, b, c, d] = last.slice(1, 5).map((n) => Number.parseInt(n, 10));
  const dictInfo = signatureDictionary(text, last.index, doc, [a, b, c, d]);
  const common = { ...base, ...dictInfo };
  if (!(a === 0 && b > 0 && c > b + 1 && c + d <= buf.length && d >= 0)) {
    return { ...common, status: 'tampered', reason: 'the signature byte range is malformed' };
  }
  const hole = text.slice(b, c);
  const holeIsContents = /^<[0-9A-Fa-f]*>$/.test(hole);
  const byteRangeCoversFile = holeIsContents && c + d === buf.length;
  if (!holeIsContents) {
    return { ...common, status: 'tampered', reason: 'the byte range hole is not the signature contents' };
  }
  const cms = Buffer.from(hole.slice(1, -1), 'hex');
  const check = checkCadesSignature(cms, [buf.subarray(0, b), buf.subarray(c, c + d)]);
  const signer = check.signerCertPem ? safeInfo(check.signerCertPem) : undefined;
  const found = { ...common, byteRangeCoversFile, signer, algorithm: check.algorithm };
  if (!check.digestMatches) {
    return { ...found, status: 'tampered', reason: 'the document was changed after signing (digest mismatch)' };
  }
  if (!byteRangeCoversFile) {
    return {
      ...found,
      status: 'tampered',
      reason: 'the signature does not cover the whole file (bytes were added or changed after signing)',
    };
  }
  if (!check.contentTypeOk) return { ...found, status: 'tampered', reason: 'the contentType attribute is not id-data' };
  if (!check.signerCertPem || !signer) {
    return { ...found, status: 'unknown', reason: check.problem ?? 'the signer certificate is not included' };
  }
  if (!check.algorithm) return { ...found, status: 'unknown', reason: check.problem ?? 'unsupported algorithm' };
  if (!check.signatureValid) {
    return { ...found, status: 'tampered', reason: check.problem ?? 'the signature does not verify' };
  }
  if (check.signingCertificateOk === false) {
    return { ...found, status: 'tampered', reason: 'the signingCertificate attribute names another certificate' };
  }

  const at = opts.at ?? new Date();
  const chain = verifyCertificateChain(check.signerCertPem, {
    intermediates: check.otherCertPems,
    anchors: opts.anchors,
    at,
  });
  const withChain = { ...found, chain: chain.chain };
  if (!chain.ok) {
    const failure = chain.reason ?? 'untrusted';
    if (failure === 'expired' || failure === 'not_yet_valid') {
      return {
        ...withChain,
        status: 'expired',
        chainFailure: failure,
        reason: `a certificate of the seal is ${failure === 'expired' ? 'expired' : 'not yet valid'} at ${at.toISOString()}`,
      };
    }
    return {
      ...withChain,
      status: 'unknown',
      chainFailure: failure,
      reason:
        failure === 'bad_signature'
          ? 'the seal certificate is not validly signed by its issuer'
          : 'the seal certificate does not lead to a trusted CA',
    };
  }
  if (dictInfo.signedAt) {
    const t = Date.parse(dictInfo.signedAt);
    if (t < Date.parse(signer.notBefore) || t > Date.parse(signer.notAfter)) {
      return { ...withChain, status: 'expired', reason: 'the seal certificate was not valid at the signing time' };
    }
  }
  const notes = [
    check.signingCertificateOk === undefined ? 'no signingCertificate attribute' : '',
    check.hasSigningTimeAttribute ? 'signingTime attribute present (not PAdES baseline)' : '',
  ].filter(Boolean);
  return {
    ...withChain,
    status: 'valid',
    reason: `the signature is valid and the seal certificate is trusted${notes.length ? ` (${notes.join('; ')})` : ''}`,
  };
}

function safeInfo(pem: string): CertificateInfo | undefined {
  try {
    return certificateInfo(pem);
  } catch {
    return undefined;
  }
}

async function loadQuietly(buf: Buffer): Promise<PDFDocument | undefined> {
  if (!buf.subarray(0, 1024).includes('%PDF-')) return undefined;
  try {
    return await PDFDocument.load(buf, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false });
  } catch {
    return undefined;
  }
}

function textOf(v: unknown): string | undefined {
  if (v instanceof PDFString || v instanceof PDFHexString) return v.decodeText();
  if (v instanceof PDFName) return v.decodeText();
  if (v instanceof PDFNumber) return String(v.asNumber());
  return undefined;
}

/** Info dictionary entries as text, then yw: entries of the XMP packet that the Info dictionary lacks. */
function readMetadata(doc: PDFDocument): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    const info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
    for (const [k, v] of info?.entries() ?? []) {
      const t = textOf(v);
      if (t !== undefined) out[k.decodeText()] = t;
    }
  } catch {
    // an unreadable Info dictionary contributes nothing
  }
  try {
    const stream = doc.catalog.lookupMaybe(PDFName.of('Metadata'), PDFStream);
    if (stream instanceof PDFRawStream) {
      const xmp = new TextDecoder().decode(decodePDFRawStream(stream).decode());
      if (xmp.includes(LICENCE_XMP_NS)) {
        for (const m of xmp.matchAll(/<yw:([A-Za-z][A-Za-z0-9]*)>([^<]*)<\/yw:\1>/g)) {
          out[m[1]] ??= unescapeXml(m[2]);
        }
      }
    }
  } catch {
    // nor does an unreadable XMP stream
  }
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e] ?? '';
  });
}

/** /M, /SubFilter, /Name, /Reason, /Location of the signature dictionary holding this byte range. */
function signatureDictionary(
  text: string,
  at: number,
  doc: PDFDocument | undefined,
  range: number[],
): { signedAt?: string; subFilter?: string; signerName?: string; signReason?: string; location?: string } {
  const out: { signedAt?: string; subFilter?: string; signerName?: string; signReason?: string; location?: string } =
    {};
  if (doc) {
    try {
      for (const [, obj] of doc.context.enumerateIndirectObjects()) {
        if (!(obj instanceof PDFDict)) continue;
        const br = obj.lookupMaybe(PDFName.of('ByteRange'), PDFArray);
        if (br?.size() !== 4) continue;
        const nums = br.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : Number.NaN));
        if (nums.some((n, i) => n !== range[i])) continue;
        out.signedAt = parsePdfDate(textOf(obj.get(PDFName.of('M'))));
        out.subFilter = textOf(obj.get(PDFName.of('SubFilter')));
        out.signerName = textOf(obj.get(PDFName.of('Name')));
        out.signReason = textOf(obj.get(PDFName.of('Reason')));
        out.location = textOf(obj.get(PDFName.of('Location')));
        return out;
      }
    } catch {
      // fall back to the bytes around the byte range
    }
  }
  // Without a parsable document: look inside the object that holds the byte range.
  const start = Math.max(0, text.lastIndexOf(' obj', at));
  const endIdx = text.indexOf('endobj', at);
  const window = text.slice(start, endIdx === -1 ? at + 65536 : endIdx);
  const m = /\/M\s*\((D:[^)]*)\)/.exec(window);
  if (m) out.signedAt = parsePdfDate(m[1]);
  const sf = /\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(window);
  if (sf) out.subFilter = sf[1];
  return out;
}

/** PDF date (D:YYYYMMDDHHmmSSOHH'mm) → ISO 8601, or undefined. */
export function parsePdfDate(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz] = m;
  let offset = 'Z';
  if (tz && tz !== 'Z') {
    const digits = tz.replace(/'/g, '');
    offset = `${digits.slice(0, 3)}:${digits.slice(3, 5)}`;
  }
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}${offset}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
