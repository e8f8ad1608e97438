/**
 * Licence PDF: one A4 page laid out like a Chinese licence — title (and English title), 证照编号,
 * a table with the holder and the licence's fields, validity, the issuing authority and date
 * bottom right under the red seal, a QR code for verification bottom left (扫码核验), the
 * licence identifier (证照标识) in small type, optional diagonal watermark for an authorised copy
 * (加注件), and the identifiers in the Info dictionary and in XMP so a verifier can read them back.
 *
 * Text is Noto Sans Hans, embedded as a subset by our own CFF writer (see font.ts).
 */
import {
  BlendMode,
  degrees,
  PageSizes,
  PDFDict,
  PDFDocument,
  type PDFDocument as PDFDocumentType,
  type PDFFont,
  PDFHexString,
  PDFName,
  type PDFPage,
  rgb,
} from 'pdf-lib';
import QRCode from 'qrcode';
import { fontBytes, licenceFontkit, unsupportedCharacters } from './font.ts';
import { drawSeal } from './seal.ts';

/** One row of the licence's table. */
export interface LicenceField {
  label: string;
  value: string;
}

/** The seal drawn on the licence: the round red seal of a department, or an uploaded PNG picture. */
export type LicenceSeal = { departmentName: string; subtitle?: string } | { png: Uint8Array };

/** Everything printed on a licence page. Dates are YYYY-MM-DD. */
export interface LicenceRenderInput {
  /** e.g. 食品经营许可证 */
  title: string;
  titleEn?: string;
  /** 证照标识 (GB/T 36904). */
  identifier: string;
  licenceNumber: string;
  holderName: string;
  holderCode: string;
  /** Label of the holder code row; default 统一社会信用代码 / 身份证号码 guessed from the code's shape. */
  holderCodeLabel?: string;
  fields: LicenceField[];
  issuerName: string;
  issueDate: string;
  validFrom: string;
  /** Absent: 长期 (no end). */
  validTo?: string;
  /** Encoded in the QR code. */
  verifyUrl: string;
  seal: LicenceSeal;
  /** Lines repeated diagonally over the page (authorised copy 加注件: purpose, expiry). */
  watermark?: string[];
  /** Extra entries for the Info dictionary and XMP; keys are PDF names (letters and digits). */
  metadata?: Record<string, string>;
}

/** Thrown when text holds characters the embedded font cannot draw (they would print blank). */
export class UnsupportedCharactersError extends Error {
  constructor(readonly chars: string[]) {
    super(`characters not in the licence font: ${chars.join(' ')}`);
    this.name = 'UnsupportedCharactersError';
  }
}

/** Thrown when the fields do not fit on one page even at the smallest type size. */
export class LicenceLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LicenceLayoutError';
  }
}

/** XMP namespace of the licence metadata (prefix yw). */
export const LICENCE_XMP_NS = 'urn:yiwang:licence:1.0#';

const STANDARD_INFO_KEYS = new Set([
  'Title',
  'Author',
  'Subject',
  'Keywords',
  'Creator',
  'Producer',
  'CreationDate',
  'ModDate',
  'Trapped',
]);

const [PAGE_W] = PageSizes.A4;
const SEAL_X = PAGE_W - 160;
const SEAL_Y = 160;
const SEAL_D = 120;

/** Where the seal sits on the page, [x1, y1, x2, y2] in points: e.g. for `signPdf`'s visible widgetRect. */
export const LICENCE_SEAL_RECT: [number, number, number, number] = [
  SEAL_X - SEAL_D / 2,
  SEAL_Y - SEAL_D / 2,
  SEAL_X + SEAL_D / 2,
  SEAL_Y + SEAL_D / 2,
];

const INK = rgb(0.1, 0.1, 0.12);
const GREY = rgb(0.38, 0.38, 0.42);
const FRAME = rgb(0.55, 0.38, 0.16);
const LABEL_BG = rgb(0.97, 0.95, 0.9);
const RULE = rgb(0.72, 0.62, 0.45);

/** Renders a licence as a one-page A4 PDF (fonts subset-embedded, vector seal and QR code). */
export async function renderLicencePdf(input: LicenceRenderInput): Promise<Uint8Array> {
  for (const [name, v] of [
    ['issueDate', input.issueDate],
    ['validFrom', input.validFrom],
    ['validTo', input.validTo],
  ] as const) {
    if (v !== undefined && !isDate(v)) throw new Error(`${name} must be a date YYYY-MM-DD`);
  }
  const metadata = licenceMetadata(input);
  const holderCodeLabel = input.holderCodeLabel ?? guessCodeLabel(input.holderCode);
  const validity = input.validTo ? `${input.validFrom} 至 ${input.validTo}` : `${input.validFrom} 起长期有效`;
  const rows: LicenceField[] = [
    { label: '持证主体', value: input.holderName },
    { label: holderCodeLabel, value: input.holderCode },
    ...input.fields,
    { label: '有效期限', value: validity },
  ];
  const texts = [
    input.title,
    input.titleEn ?? '',
    input.identifier,
    input.licenceNumber,
    input.issuerName,
    ...(input.watermark ?? []),
    ...rows.flatMap((r) => [r.label, r.value]),
    '证照编号：证照标识扫码核验年月日发证机关',
  ].join('');
  const missing = unsupportedCharacters(texts);
  if (missing.length > 0) throw new UnsupportedCharactersError(missing);

  const doc = await PDFDocument.create();
  doc.registerFontkit(licenceFontkit);
  const regular = await doc.embedFont(fontBytes('Regular'), { subset: true });
  const bold = await doc.embedFont(fontBytes('Bold'), { subset: true });
  const page = doc.addPage(PageSizes.A4);
  const [W, H] = PageSizes.A4;

  // Frame: a thick and a thin line.
  page.drawRectangle({ x: 24, y: 24, width: W - 48, height: H - 48, borderColor: FRAME, borderWidth: 2.4 });
  page.drawRectangle({ x: 30, y: 30, width: W - 60, height: H - 60, borderColor: FRAME, borderWidth: 0.6 });

  // Title, English title, number.
  let y = H - 108;
  const titleSize = fitSize(bold, input.title, 34, W - 160, 0.18);
  drawCentred(page, input.title, bold, titleSize, W / 2, y, INK, 0.18);
  y -= 26;
  if (input.titleEn) {
    const s = fitSize(regular, input.titleEn, 12, W - 160, 0.06);
    drawCentred(page, input.titleEn.toUpperCase(), regular, s, W / 2, y, GREY, 0.06);
    y -= 28;
  } else y -= 8;
  const numberText = `证照编号：${input.licenceNumber}`;
  drawCentred(page, numberText, regular, fitSize(regular, numberText, 12, W - 160), W / 2, y, INK);
  y -= 22;

  // Table.
  const tableTop = y;
  const tableBottom = 262;
  const x0 = 66;
  const x1 = W - 66;
  const labelW = 118;
  const padX = 10;
  const padY = 8;
  let size = 12;
  let laid = layoutRows(rows, regular, size, x1 - x0 - labelW - 2 * padX, padY);
  while (laid.height > tableTop - tableBottom && size > 8) {
    size -= 0.5;
    laid = layoutRows(rows, regular, size, x1 - x0 - labelW - 2 * padX, padY);
  }
  if (laid.height > tableTop - tableBottom) {
    throw new LicenceLayoutError('the licence fields do not fit on one page');
  }
  const tableHeight = laid.height;
  // The label column's background first, so no row's fill covers the rule above it.
  page.drawRectangle({ x: x0, y: tableTop - tableHeight, width: labelW, height: tableHeight, color: LABEL_BG });
  let ry = tableTop;
  for (const row of laid.rows) {
    const h = row.height;
    const labelSize = fitSize(bold, row.label, size, labelW - 2 * padX);
    const labelY = ry - h / 2 - labelSize * 0.35;
    drawCentred(page, row.label, bold, labelSize, x0 + labelW / 2, labelY, INK);
    let ly = ry - padY - size * 0.95;
    for (const line of row.lines) {
      page.drawText(line, { x: x0 + labelW + padX, y: ly, size, font: regular, color: INK });
      ly -= size * 1.5;
    }
    page.drawLine({ start: { x: x0, y: ry - h }, end: { x: x1, y: ry - h }, thickness: 0.6, color: RULE });
    ry -= h;
  }
  page.drawRectangle({
    x: x0,
    y: ry,
    width: x1 - x0,
    height: tableTop - ry,
    borderColor: RULE,
    borderWidth: 1,
  });
  page.drawLine({
    start: { x: x0 + labelW, y: tableTop },
    end: { x: x0 + labelW, y: ry },
    thickness: 0.6,
    color: RULE,
  });

  // Issuer and date bottom right, the seal over them (盖章压字).
  const sealX = SEAL_X;
  const sealY = SEAL_Y;
  const issuerSize = fitSize(regular, input.issuerName, 13, 220);
  drawCentred(page, input.issuerName, regular, issuerSize, sealX, sealY + 14, INK);
  drawCentred(page, chineseDate(input.issueDate), regular, 13, sealX, sealY - 16, INK);
  if ('png' in input.seal) {
    const img = await doc.embedPng(input.seal.png);
    const k = Math.min(SEAL_D / img.width, SEAL_D / img.height);
    page.drawImage(img, {
      x: sealX - (img.width * k) / 2,
      y: sealY - (img.height * k) / 2,
      width: img.width * k,
      height: img.height * k,
      blendMode: BlendMode.Multiply,
    });
  } else {
    drawSeal(
      page,
      input.seal.departmentName,
      { x: sealX, y: sealY, diameter: SEAL_D },
      { subtitle: input.seal.subtitle },
    );
  }

  // QR code bottom left.
  const qrSize = 92;
  const qrX = 78;
  const qrY = 118;
  drawQr(page, input.verifyUrl, qrX, qrY, qrSize);
  drawCentred(page, '扫码核验', regular, 10, qrX + qrSize / 2, qrY - 16, INK);

  // Identifier in small type.
  const idText = `证照标识：${input.identifier}`;
  drawCentred(page, idText, regular, fitSize(regular, idText, 7.5, W - 100), W / 2, 42, GREY);

  if (input.watermark && input.watermark.length > 0) drawWatermark(page, regular, input.watermark, W, H);

  writeMetadata(doc, input, metadata);
  return doc.save({ useObjectStreams: false });
}

/** The Info/XMP entries written for a licence: identifiers and dates, then the caller's entries. */
export function licenceMetadata(input: LicenceRenderInput): Record<string, string> {
  const out: Record<string, string> = {
    LicenceIdentifier: input.identifier,
    LicenceNumber: input.licenceNumber,
    LicenceTitle: input.title,
    IssuerName: input.issuerName,
    IssueDate: input.issueDate,
    ValidFrom: input.validFrom,
    ...(input.validTo ? { ValidTo: input.validTo } : {}),
    VerifyUrl: input.verifyUrl,
    ...(input.watermark?.length ? { AnnotatedCopy: input.watermark.join(' / ') } : {}),
  };
  for (const [k, v] of Object.entries(input.metadata ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(k) || STANDARD_INFO_KEYS.has(k)) {
      throw new Error(`metadata key "${k}" must be letters and digits and not a standard Info key`);
    }
    if (typeof v !== 'string') throw new Error(`metadata value of "${k}" must be a string`);
    out[k] = v;
  }
  return out;
}

// ---- drawing helpers ----------------------------------------------------------------------------

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function chineseDate(s: string): string {
  const [y, m, d] = s.split('-').map((p) => Number.parseInt(p, 10));
  return `${y}年${m}月${d}日`;
}

function guessCodeLabel(code: string): string {
  if (/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return '统一社会信用代码';
  if (/^\d{17}[\dX]$/.test(code)) return '身份证号码';
  return '证件号码';
}

function textWidth(font: PDFFont, text: string, size: number, spacing = 0): number {
  return font.widthOfTextAtSize(text, size) + spacing * size * Math.max(0, [...text].length - 1);
}

/** The largest size ≤ `size` (down to 60 %) at which the text fits `maxWidth`. */
function fitSize(font: PDFFont, text: string, size: number, maxWidth: number, spacing = 0): number {
  const w = textWidth(font, text, size, spacing);
  return w <= maxWidth ? size : Math.max(size * 0.6, (size * maxWidth) / w);
}

function drawCentred(
  page: PDFPage,
  text: string,
  font: PDFFont,
  size: number,
  cx: number,
  y: number,
  color: ReturnType<typeof rgb>,
  spacing = 0,
): void {
  if (!text) return;
  const w = textWidth(font, text, size, spacing);
  if (spacing === 0) {
    page.drawText(text, { x: cx - w / 2, y, size, font, color });
    return;
  }
  let x = cx - w / 2;
  for (const ch of text) {
    page.drawText(ch, { x, y, size, font, color });
    x += font.widthOfTextAtSize(ch, size) + spacing * size;
  }
}

const CJK = '\\u2E80-\\u9FFF\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFFEF\\u3000-\\u303F';
const TOKEN = new RegExp(`[${CJK}]|[^\\s${CJK}]+|\\s+`, 'gu');
/** Punctuation that must not begin a line (避头) or end one (避尾). */
const NO_LINE_START = new Set([...'，。、；：！？）》」』】〉’”…—·,.;:!?)']);
const NO_LINE_END = new Set([...'（《「『【〈‘“(']);

const CJK_CHAR = new RegExp(`[${CJK}]`, 'u');

/**
 * Wraps text to lines of at most `maxWidth`: CJK breaks between characters, Latin between words.
 * Closing punctuation never starts a line (the character before it moves down with it) and
 * opening brackets never end one.
 */
export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
  /** Pushes a line; returns the opening brackets taken off its end, which start the next line. */
  const emit = (s: string): string => {
    const chars = [...s.trimEnd()];
    let carry = '';
    while (chars.length > 1 && NO_LINE_END.has(chars[chars.length - 1])) carry = chars.pop() + carry;
    lines.push(chars.join(''));
    return carry;
  };
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const tok of para.match(TOKEN) ?? []) {
      if (fits(line + tok)) {
        line += tok;
        continue;
      }
      if (line && NO_LINE_START.has(tok)) {
        const chars = [...line];
        if (chars.length >= 2 && CJK_CHAR.test(chars[chars.length - 1])) {
          let carry = '';
          do carry = chars.pop() + carry;
          while (chars.length > 1 && NO_LINE_START.has([...carry][0]));
          line = emit(chars.join('')) + carry + tok;
        } else line += tok; // narrow Latin punctuation may hang
        continue;
      }
      if (/^\s+$/.test(tok)) {
        line = emit(line);
        continue;
      }
      line = line.trim() ? emit(line) : '';
      for (const ch of tok) {
        if (line && !fits(line + ch)) line = emit(line);
        line += ch;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

interface LaidRow {
  label: string;
  lines: string[];
  height: number;
}

function layoutRows(
  rows: LicenceField[],
  font: PDFFont,
  size: number,
  valueWidth: number,
  padY: number,
): { rows: LaidRow[]; height: number } {
  const laid = rows.map((r) => {
    const lines = wrapText(r.value, font, size, valueWidth);
    return { label: r.label, lines, height: Math.max(30, 2 * padY + size * 1.5 * (lines.length - 1) + size * 1.2) };
  });
  return { rows: laid, height: laid.reduce((h, r) => h + r.height, 0) };
}

function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  // One path for all dark modules, in SVG coordinates (y down) from the symbol's top-left corner.
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.data[r * n + c]) d += `M${c} ${r}h1v1h-1z`;
    }
  }
  page.drawSvgPath(d, {
    x: x + quiet * cell,
    y: y + size - quiet * cell,
    scale: cell,
    color: rgb(0, 0, 0),
    borderWidth: 0,
  });
}

function drawWatermark(page: PDFPage, font: PDFFont, lines: string[], W: number, H: number): void {
  const text = lines.join('  ·  ');
  const size = 15;
  const w = font.widthOfTextAtSize(text, size);
  const stepX = w + 60;
  const stepY = 88;
  const angle = 30;
  const rad = (angle * Math.PI) / 180;
  for (let row = -8; row < 14; row++) {
    for (let col = -3; col < 6; col++) {
      // Place tiles on a grid in the rotated frame, keep those that touch the page.
      const u = col * stepX + (row % 2 ? stepX / 2 : 0);
      const v = row * stepY;
      const x = u * Math.cos(rad) - v * Math.sin(rad);
      const y = u * Math.sin(rad) + v * Math.cos(rad);
      if (x < -w || x > W || y < -w * Math.sin(rad) - 40 || y > H + 40) continue;
      page.drawText(text, { x, y, size, font, color: rgb(0.75, 0.1, 0.1), opacity: 0.13, rotate: degrees(angle) });
    }
  }
}

function writeMetadata(doc: PDFDocumentType, input: LicenceRenderInput, metadata: Record<string, string>): void {
  const now = new Date();
  doc.setTitle(`${input.title} ${input.licenceNumber}`, { showInWindowTitleBar: true });
  doc.setSubject(`${input.title}：${input.holderName}`);
  doc.setAuthor(input.issuerName);
  doc.setKeywords([input.identifier, input.licenceNumber]);
  doc.setCreator('Yiwang 一网');
  doc.setProducer('Yiwang 一网 (pdf-lib)');
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  doc.setLanguage('zh-CN');
  // pdf-lib keeps getInfoDict private; after the setters above the trailer's /Info exists.
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  for (const [k, v] of Object.entries(metadata)) info.set(PDFName.of(k), PDFHexString.fromText(v));

  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const entries = Object.entries(metadata)
    .map(([k, v]) => `<yw:${k}>${esc(v)}</yw:${k}>`)
    .join('\n    ');
  const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:yw="${LICENCE_XMP_NS}">
    <dc:format>application/pdf</dc:format>
    <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(`${input.title} ${input.licenceNumber}`)}</rdf:li></rdf:Alt></dc:title>
    <dc:creator><rdf:Seq><rdf:li>${esc(input.issuerName)}</rdf:li></rdf:Seq></dc:creator>
    <xmp:CreateDate>${now.toISOString()}</xmp:CreateDate>
    <xmp:CreatorTool>Yiwang 一网</xmp:CreatorTool>
    <pdf:Producer>Yiwang 一网 (pdf-lib)</pdf:Producer>
    ${entries}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  const stream = doc.context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}
