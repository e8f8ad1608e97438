/**
 * PAdES baseline B signatures on PDFs: a signature dictionary with SubFilter ETSI.CAdES.detached
 * and the signing time in /M, an (invisible by default) signature field, and a detached CMS
 * SignedData over the byte range (see pki/cms.ts). Ed25519, ECDSA P-256 and SM2 seal keys.
 *
 * The placeholder is our own (modelled on @signpdf/placeholder-pdf-lib, which writes /Reason,
 * /Name, /Location as PDF literal strings and so garbles Chinese text); @signpdf/signpdf computes
 * the ByteRange and splices the CMS into /Contents, with our CMS builder as its Signer.
 *
 * The PDF is rewritten by pdf-lib (not an incremental update), so a document that already holds a
 * signature is refused rather than having that signature silently invalidated.
 */
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFInvalidObject, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import { certificateDer } from '../pki/ca.ts';
import { type CmsSigner, createCadesSignature } from '../pki/cms.ts';
import type { SealAlgorithm } from '../pki/keys.ts';

/** The seal that signs: key, its certificate and the chain (issuing CA, optionally the root). */
export interface PdfSigner {
  algorithm: SealAlgorithm;
  privateKeyPem: string;
  certPem: string;
  chainPems: string[];
}

/** Signature dictionary entries and where the signature field goes. */
export interface PdfSignOptions {
  reason: string;
  location?: string;
  /** The signer's name (e.g. the department). */
  name: string;
  contactInfo?: string;
  /** Written to /M; default now. */
  signingTime?: Date;
  /** Visible widget rectangle [x1, y1, x2, y2] in points on `pageIndex`; default invisible. */
  widgetRect?: [number, number, number, number];
  pageIndex?: number;
}

const BYTE_RANGE_PLACEHOLDER = '**********';

/** Signs a PDF (PAdES B-B, ETSI.CAdES.detached) and returns the signed file. */
export async function signPdf(pdfBytes: Uint8Array, signer: PdfSigner, opts: PdfSignOptions): Promise<Buffer> {
  if (Buffer.from(pdfBytes).includes('/ByteRange')) {
    throw new Error('the PDF is already signed: incremental signatures are not supported');
  }
  const doc = await PDFDocument.load(pdfBytes, { updateMetadata: false });
  const signingTime = opts.signingTime ?? new Date();
  const certBytes = [signer.certPem, ...signer.chainPems].reduce((n, p) => n + certificateDer(p).length, 0);
  // Room for the CMS: certificates, attributes, signature and structure; hex doubles it.
  const maxCmsBytes = Math.ceil((certBytes + 2048) / 1024) * 1024;
  addSignaturePlaceholder(doc, { ...opts, signingTime, maxCmsBytes });
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
  return new SignPdf().sign(prepared, new CadesSigner(signer), signingTime);
}

/** @signpdf Signer producing our CAdES-style CMS over the bytes it is given (the byte range). */
class CadesSigner extends Signer {
  constructor(private readonly signer: CmsSigner) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return createCadesSignature(pdfBuffer, this.signer);
  }
}

function addSignaturePlaceholder(
  doc: PDFDocument,
  opts: PdfSignOptions & { signingTime: Date; maxCmsBytes: number },
): void {
  const ctx = doc.context;
  const pages = doc.getPages();
  const page = pages[opts.pageIndex ?? 0];
  if (!page) throw new Error('pageIndex is out of range');

  const byteRange = PDFArray.withContext(ctx);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const text = (s: string) => PDFHexString.fromText(s);
  const sigDict = ctx.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SUBFILTER_ETSI_CADES_DETACHED,
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(opts.maxCmsBytes * 2)),
    M: PDFString.fromDate(opts.signingTime),
    Name: text(opts.name),
    Reason: text(opts.reason),
    ...(opts.location ? { Location: text(opts.location) } : {}),
    ...(opts.contactInfo ? { ContactInfo: text(opts.contactInfo) } : {}),
    Prop_Build: { Filter: { Name: 'Adobe.PPKLite' }, App: { Name: 'Yiwang' } },
  });
  // Written verbatim (never inside an object stream) so @signpdf finds /ByteRange and /Contents.
  const sigBytes = new Uint8Array(sigDict.sizeInBytes());
  sigDict.copyBytesInto(sigBytes, 0);
  const sigRef = ctx.register(PDFInvalidObject.of(sigBytes));

  const rect = opts.widgetRect ?? [0, 0, 0, 0];
  const appearance = ctx.formXObject([], { BBox: [0, 0, rect[2] - rect[0], rect[3] - rect[1]], Resources: {} });
  let acroForm = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!acroForm) {
    acroForm = ctx.obj({ Fields: [] });
    doc.catalog.set(PDFName.of('AcroForm'), ctx.register(acroForm));
  }
  const fields = acroForm.lookupMaybe(PDFName.of('Fields'), PDFArray) ?? ctx.obj([]);
  const widget = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: rect,
    V: sigRef,
    T: PDFString.of(`Seal${fields.size() + 1}`),
    F: 4, // print
    P: page.ref,
    AP: { N: ctx.register(appearance) },
  });
  const widgetRef = ctx.register(widget);
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray) ?? ctx.obj([]);
  annots.push(widgetRef);
  page.node.set(PDFName.of('Annots'), annots);
  fields.push(widgetRef);
  acroForm.set(PDFName.of('Fields'), fields);
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly
}
