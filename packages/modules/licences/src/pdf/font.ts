/**
 * Chinese font for licence PDFs: Noto Sans Hans (OFL, @embedpdf/fonts-sc) embedded as a subset.
 *
 * pdf-lib's own CFF subsetter (@pdf-lib/fontkit 1.1.1) writes a CID-keyed CFF that poppler and
 * other readers refuse ("Embedded font file may be invalid": the glyphs render blank) for this
 * CID-keyed OpenType font. Embedding the whole font instead costs 8 MB per document. So the
 * subset here is written by our own small CFF writer: each used glyph's outline (as parsed by
 * fontkit) is encoded again as a plain Type 2 charstring without subroutines or hints, inside a
 * minimal CID-keyed CFF (ROS Adobe-Identity-0, one FD). pdf-lib still writes the font
 * dictionaries, widths and the ToUnicode map, so text stays searchable and extractable.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument } from 'pdf-lib';

// pdf-lib does not export its fontkit interfaces from the package root; derive them.
type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type Font = ReturnType<Fontkit['create']>;
type Subset = ReturnType<Font['createSubset']>;
type SubsetStream = ReturnType<Subset['encodeStream']>;
type Glyph = Exclude<Parameters<Subset['includeGlyph']>[0], number>;

/** Weights of Noto Sans Hans used by the renderer. */
export type FontWeight = 'Regular' | 'Bold';

interface PathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
  args: number[];
}
interface OutlineGlyph {
  id: number;
  advanceWidth: number;
  path: { commands: PathCommand[] };
}
interface OutlineFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
  getGlyph(id: number): OutlineGlyph;
  glyphForCodePoint(codePoint: number): OutlineGlyph;
  postscriptName: string | null;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
}

const fontDir = (() => {
  const require = createRequire(import.meta.url);
  // The package exports only its index (dist/index.*); the OTF files sit in ../fonts next to it.
  return join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
})();

interface CachedFont {
  bytes: Uint8Array;
  font: Font;
  charstrings: Map<number, Uint8Array>;
}
const cache = new Map<FontWeight, CachedFont>();

function load(weight: FontWeight): CachedFont {
  let entry = cache.get(weight);
  if (!entry) {
    // A Buffer is a Uint8Array: pdf-lib passes this very object back to licenceFontkit.create.
    const bytes: Uint8Array = readFileSync(join(fontDir, `NotoSansHans-${weight}.otf`));
    const font = fontkit.create(bytes) as unknown as Font;
    const charstrings = new Map<number, Uint8Array>();
    const created: CachedFont = { bytes, font, charstrings };
    // The parsed font is ours (created here and cached for the process): its subsetter is replaced by ours.
    (font as unknown as { createSubset(): Subset }).createSubset = () => new OutlineCffSubset(created);
    entry = created;
    cache.set(weight, entry);
  }
  return entry;
}

/** The font bytes for pdf-lib's `embedFont` (read once per process). */
export function fontBytes(weight: FontWeight): Uint8Array {
  return load(weight).bytes;
}

/** Characters of `text` the font has no glyph for (they would print blank), whitespace and controls aside. */
export function unsupportedCharacters(text: string, weight: FontWeight = 'Regular'): string[] {
  const font = load(weight).font as unknown as OutlineFont;
  const missing = new Set<string>();
  for (const ch of text) {
    if (/[\s\p{Cc}\p{Cf}]/u.test(ch)) continue;
    if (!font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0)) missing.add(ch);
  }
  return [...missing];
}

/** A glyph outline in font units (y up, 1000 per em), for drawing text as vector paths. */
export interface GlyphOutline {
  char: string;
  advanceWidth: number;
  commands: PathCommand[];
}

/** Outlines of the characters of `text` (one glyph per code point, no shaping: for CJK seal lettering). */
export function glyphOutlines(weight: FontWeight, text: string): GlyphOutline[] {
  const font = load(weight).font as unknown as OutlineFont;
  return [...text].map((char) => {
    const glyph = font.glyphForCodePoint(char.codePointAt(0) ?? 0);
    return { char, advanceWidth: glyph.advanceWidth, commands: glyph.path.commands };
  });
}

export type { PathCommand };

/** A fontkit stand-in for `PDFDocument.registerFontkit`: returns the cached parsed font with the working subsetter. */
export const licenceFontkit: Fontkit = {
  create(buffer: Uint8Array): Font {
    for (const entry of cache.values()) if (sameBytes(entry.bytes, buffer)) return entry.font;
    return fontkit.create(buffer) as unknown as Font;
  },
};

/** The same font file: the very object pdf-lib was given, or a copy of it. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  const n = Math.min(a.byteLength, 65536);
  return Buffer.from(a.buffer, a.byteOffset, n).equals(Buffer.from(b.buffer, b.byteOffset, n));
}

/** Subset that writes a CID-keyed CFF from glyph outlines (subset GID = CID, GID 0 = .notdef). */
class OutlineCffSubset implements Subset {
  /** pdf-lib checks this to write CIDFontType0 / FontFile3 (CIDFontType0C). */
  readonly cff = true;
  private readonly glyphs: number[] = [];
  private readonly mapping = new Map<number, number>();

  constructor(private readonly source: CachedFont) {
    this.includeGlyph(0);
  }

  includeGlyph(glyph: number | Glyph): number {
    const id = typeof glyph === 'number' ? glyph : (glyph as unknown as OutlineGlyph).id;
    let newId = this.mapping.get(id);
    if (newId === undefined) {
      newId = this.glyphs.length;
      this.glyphs.push(id);
      this.mapping.set(id, newId);
    }
    return newId;
  }

  encodeStream(): SubsetStream {
    const font = this.source.font as unknown as OutlineFont;
    const charstrings = this.glyphs.map((gid) => {
      let cs = this.source.charstrings.get(gid);
      if (!cs) {
        cs = encodeCharstring(font.getGlyph(gid));
        this.source.charstrings.set(gid, cs);
      }
      return cs;
    });
    const bytes = writeCidCff(font.postscriptName ?? 'NotoSansHans', font.bbox, charstrings);
    return Readable.from([bytes]) as unknown as SubsetStream;
  }
}

// ---- Type 2 charstrings -------------------------------------------------------------------------

function csNumber(out: number[], v: number): void {
  if (!Number.isInteger(v)) {
    const fixed = Math.round(v * 65536) | 0;
    out.push(255, (fixed >>> 24) & 0xff, (fixed >>> 16) & 0xff, (fixed >>> 8) & 0xff, fixed & 0xff);
  } else if (v >= -107 && v <= 107) out.push(v + 139);
  else if (v >= 108 && v <= 1131) {
    const w = v - 108;
    out.push((w >> 8) + 247, w & 0xff);
  } else if (v >= -1131 && v <= -108) {
    const w = -v - 108;
    out.push((w >> 8) + 251, w & 0xff);
  } else out.push(28, (v >> 8) & 0xff, v & 0xff);
}

const RMOVETO = 21;
const RLINETO = 5;
const RRCURVETO = 8;
const ENDCHAR = 14;
/** Type 2 argument stack limit is 48; keep batches below it. */
const MAX_ARGS = 48;

/** Encodes a glyph outline as a Type 2 charstring (absolute coordinates rounded to font units). */
function encodeCharstring(glyph: OutlineGlyph): Uint8Array {
  const out: number[] = [];
  let width: number | undefined = Math.round(glyph.advanceWidth);
  let cx = 0;
  let cy = 0;
  let pendingOp = 0;
  let pending: number[] = [];
  const flush = () => {
    if (pendingOp) {
      for (const n of pending) csNumber(out, n);
      out.push(pendingOp);
    }
    pendingOp = 0;
    pending = [];
  };
  const emit = (op: number, args: number[]) => {
    if (op !== pendingOp || pending.length + args.length > MAX_ARGS - 1 || op === RMOVETO) flush();
    pendingOp = op;
    pending.push(...args);
    if (op === RMOVETO) flush();
  };
  const rel = (x: number, y: number): [number, number] => {
    const ax = Math.round(x);
    const ay = Math.round(y);
    const d: [number, number] = [ax - cx, ay - cy];
    cx = ax;
    cy = ay;
    return d;
  };
  for (const c of glyph.path.commands) {
    const a = c.args;
    switch (c.command) {
      case 'moveTo': {
        const d = rel(a[0], a[1]);
        if (width !== undefined) {
          emit(RMOVETO, [width, ...d]);
          width = undefined;
        } else emit(RMOVETO, d);
        break;
      }
      case 'lineTo':
        emit(RLINETO, rel(a[0], a[1]));
        break;
      case 'bezierCurveTo':
        emit(RRCURVETO, [...rel(a[0], a[1]), ...rel(a[2], a[3]), ...rel(a[4], a[5])]);
        break;
      case 'quadraticCurveTo': {
        // Not produced by CFF outlines; converted exactly to a cubic for completeness.
        const [x0, y0] = [cx, cy];
        const [qx, qy, x, y] = a;
        emit(RRCURVETO, [
          ...rel(x0 + (2 / 3) * (qx - x0), y0 + (2 / 3) * (qy - y0)),
          ...rel(x + (2 / 3) * (qx - x), y + (2 / 3) * (qy - y)),
          ...rel(x, y),
        ]);
        break;
      }
      case 'closePath':
        // Type 2 closes each subpath implicitly at the next moveto / endchar.
        break;
    }
  }
  flush();
  if (width !== undefined) csNumber(out, width);
  out.push(ENDCHAR);
  return Uint8Array.from(out);
}

// ---- CFF writer ---------------------------------------------------------------------------------

/** DICT integer; `fixed5` forces the 5-byte form so offsets can be patched without changing sizes. */
function dictInt(out: number[], v: number, fixed5 = false): void {
  if (!fixed5 && v >= -107 && v <= 107) out.push(v + 139);
  else if (!fixed5 && v >= 108 && v <= 1131) {
    const w = v - 108;
    out.push((w >> 8) + 247, w & 0xff);
  } else if (!fixed5 && v >= -1131 && v <= -108) {
    const w = -v - 108;
    out.push((w >> 8) + 251, w & 0xff);
  } else if (!fixed5 && v >= -32768 && v <= 32767) out.push(28, (v >> 8) & 0xff, v & 0xff);
  else out.push(29, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function index(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return Uint8Array.of(0, 0);
  const total = items.reduce((n, i) => n + i.length, 0) + 1;
  const offSize = total < 0x100 ? 1 : total < 0x10000 ? 2 : total < 0x1000000 ? 3 : 4;
  const out = new Uint8Array(3 + (items.length + 1) * offSize + total - 1);
  out[0] = items.length >> 8;
  out[1] = items.length & 0xff;
  out[2] = offSize;
  let pos = 3;
  let off = 1;
  const writeOff = (v: number) => {
    for (let i = offSize - 1; i >= 0; i--) out[pos++] = (v >>> (8 * i)) & 0xff;
  };
  writeOff(off);
  for (const item of items) {
    off += item.length;
    writeOff(off);
  }
  for (const item of items) {
    out.set(item, pos);
    pos += item.length;
  }
  return out;
}

const ascii = (s: string) => Uint8Array.from(Buffer.from(s.replace(/[^\x21-\x7e]/g, ''), 'latin1'));
const STANDARD_STRINGS = 391;

/** A minimal CID-keyed CFF: charset GID→CID identity, FDSelect format 3 → one FD with a Private DICT. */
function writeCidCff(
  name: string,
  bbox: { minX: number; minY: number; maxX: number; maxY: number },
  charstrings: Uint8Array[],
): Uint8Array {
  const n = charstrings.length;
  const header = Uint8Array.of(1, 0, 4, 4);
  const nameIndex = index([ascii(name)]);
  const strings = index([ascii('Adobe'), ascii('Identity'), ascii(name)]);
  const gsubrs = index([]);
  const charset = n > 1 ? Uint8Array.of(2, 0, 1, ((n - 2) >> 8) & 0xff, (n - 2) & 0xff) : Uint8Array.of(0);
  const fdSelect = Uint8Array.of(3, 0, 1, 0, 0, 0, (n >> 8) & 0xff, n & 0xff);
  const charStringsIndex = index(charstrings);
  const privateDict: number[] = [];
  dictInt(privateDict, 0);
  privateDict.push(20); // defaultWidthX
  dictInt(privateDict, 0);
  privateDict.push(21); // nominalWidthX

  const topDict = (offs: { charset: number; fdSelect: number; charStrings: number; fdArray: number }) => {
    const d: number[] = [];
    dictInt(d, STANDARD_STRINGS);
    dictInt(d, STANDARD_STRINGS + 1);
    dictInt(d, 0);
    d.push(12, 30); // ROS (must come first)
    for (const v of [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY]) dictInt(d, Math.round(v));
    d.push(5); // FontBBox
    dictInt(d, n);
    d.push(12, 34); // CIDCount
    dictInt(d, offs.charset, true);
    d.push(15);
    dictInt(d, offs.fdSelect, true);
    d.push(12, 37);
    dictInt(d, offs.charStrings, true);
    d.push(17);
    dictInt(d, offs.fdArray, true);
    d.push(12, 36);
    return Uint8Array.from(d);
  };
  const fontDict = (privateOffset: number) => {
    const d: number[] = [];
    dictInt(d, STANDARD_STRINGS + 2);
    d.push(12, 38); // FontName
    dictInt(d, privateDict.length, true);
    dictInt(d, privateOffset, true);
    d.push(18); // Private
    return Uint8Array.from(d);
  };

  const zero = { charset: 0, fdSelect: 0, charStrings: 0, fdArray: 0 };
  const topIndexSize = index([topDict(zero)]).length;
  let pos = header.length + nameIndex.length + topIndexSize + strings.length + gsubrs.length;
  const offs = { charset: pos, fdSelect: 0, charStrings: 0, fdArray: 0 };
  pos += charset.length;
  offs.fdSelect = pos;
  pos += fdSelect.length;
  offs.charStrings = pos;
  pos += charStringsIndex.length;
  offs.fdArray = pos;
  const fdArraySize = index([fontDict(0)]).length;
  pos += fdArraySize;
  const privateOffset = pos;
  const parts = [
    header,
    nameIndex,
    index([topDict(offs)]),
    strings,
    gsubrs,
    charset,
    fdSelect,
    charStringsIndex,
    index([fontDict(privateOffset)]),
    Uint8Array.from(privateDict),
  ];
  return Buffer.concat(parts);
}
