/**
 * The round red official seal (红色圆章): a thick outer ring with a thin inner ring, a five-pointed
 * star in the middle, the department's name along the upper arc (upright glyphs, narrowed as
 * seal lettering is) and an optional straight subtitle under the star (e.g. 电子印章专用).
 *
 * One geometry feeds both outputs: `sealSvg` for web pages and `drawSeal` for PDF pages. The
 * lettering is drawn as glyph outlines of Noto Sans Hans Bold, so the seal looks the same
 * everywhere, needs no font in the browser, and its characters do not mix into the page's text.
 */
import { BlendMode, type PDFPage, rgb } from 'pdf-lib';
import { glyphOutlines } from './font.ts';

/** Options for the seal drawing. */
export interface SealOptions {
  /** Straight text under the star, e.g. 电子印章专用 or 行政审批专用章. */
  subtitle?: string;
  /** Hex colour, default #d9001b (seal red). */
  color?: string;
}

/** Seal geometry in seal units: centre (0,0), radius 100, y pointing down (SVG convention). */
export interface SealGeometry {
  rings: { r: number; width: number }[];
  /** SVG path data of the star. */
  star: string;
  /** SVG path data of all lettering (name arc and subtitle). */
  lettering: string;
}

const DEFAULT_RED = '#d9001b';
/** Vertical centre of the ideographic em box of Noto Sans CJK (descent -120, ascent 880). */
const EM_CENTRE = 380;

/** Computes the seal's rings, star and lettering paths (seal units, radius 100). */
export function sealGeometry(departmentName: string, opts: Pick<SealOptions, 'subtitle'> = {}): SealGeometry {
  const name = [...departmentName.trim()];
  if (name.length === 0) throw new Error('departmentName is empty');
  const rings = [
    { r: 96.5, width: 7 },
    { r: 89, width: 1.2 },
  ];
  const star = polygonPath(starPoints(0, -2, 29));
  const glyphs: string[] = [];

  // Name along the upper arc, centred on the top, glyph tops pointing outwards.
  const outerLimit = 85;
  let h = name.length <= 8 ? 27 : 23;
  let hs = 0.82;
  const maxSpan = (270 * Math.PI) / 180;
  const n = name.length;
  const arcRadius = () => outerLimit - h / 2;
  const needed = () => ((n - 1) * 1.08 * h * hs) / arcRadius();
  while (n > 1 && needed() > maxSpan && hs > 0.56) hs -= 0.02;
  while (n > 1 && needed() > maxSpan && h > 12) h -= 0.5;
  const usual = ((n <= 5 ? (n - 1) * 40 : n <= 8 ? (n - 1) * 31 : 215) * Math.PI) / 180;
  const preferred = n <= 1 ? 0 : Math.min(maxSpan, Math.max(needed() * 1.12, usual));
  const rt = arcRadius();
  const outlines = glyphOutlines('Bold', name.join(''));
  outlines.forEach((g, i) => {
    const theta = n <= 1 ? 0 : -preferred / 2 + (i * preferred) / (n - 1);
    const cx = rt * Math.sin(theta);
    const cy = -rt * Math.cos(theta);
    glyphs.push(glyphPath(g.commands, g.advanceWidth, h / 1000, hs, theta, cx, cy));
  });

  // Subtitle: straight, centred under the star.
  const subtitle = [...(opts.subtitle ?? '').trim()];
  if (subtitle.length > 0) {
    const sh = Math.min(14, 100 / subtitle.length);
    const sub = glyphOutlines('Bold', subtitle.join(''));
    const width = sub.reduce((w, g) => w + (g.advanceWidth / 1000) * sh * 0.92, 0);
    let x = -width / 2;
    for (const g of sub) {
      const w = (g.advanceWidth / 1000) * sh * 0.92;
      glyphs.push(glyphPath(g.commands, g.advanceWidth, sh / 1000, 0.92, 0, x + w / 2, 50));
      x += w;
    }
  }
  return { rings, star, lettering: glyphs.join('') };
}

/** The seal as an SVG string (for web display); `size` is the rendered width and height in px. */
export function sealSvg(departmentName: string, opts: SealOptions & { size?: number } = {}): string {
  const g = sealGeometry(departmentName, opts);
  const color = safeColor(opts.color);
  const size = opts.size ?? 160;
  const label = escapeXml(`${departmentName}${opts.subtitle ? ` ${opts.subtitle}` : ''}`);
  const rings = g.rings.map((r) => `<circle cx="0" cy="0" r="${r.r}" stroke-width="${r.width}"/>`).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="-100 -100 200 200" role="img" aria-label="${label}">` +
    `<title>${label}</title>` +
    `<g fill="none" stroke="${color}">${rings}</g>` +
    `<g fill="${color}" fill-rule="nonzero"><path d="${g.star}"/><path d="${g.lettering}"/></g>` +
    '</svg>'
  );
}

/** Draws the seal on a PDF page, centred at (x, y) with the given diameter in points (ink multiplies over text). */
export function drawSeal(
  page: PDFPage,
  departmentName: string,
  at: { x: number; y: number; diameter: number },
  opts: SealOptions = {},
): void {
  const g = sealGeometry(departmentName, opts);
  const color = hexToRgb(safeColor(opts.color));
  const scale = at.diameter / 200;
  const ink = { opacity: 0.92, blendMode: BlendMode.Multiply };
  for (const r of g.rings) {
    page.drawEllipse({
      x: at.x,
      y: at.y,
      xScale: r.r * scale,
      yScale: r.r * scale,
      borderColor: color,
      borderWidth: r.width * scale,
      borderOpacity: ink.opacity,
      blendMode: ink.blendMode,
    });
  }
  for (const d of [g.star, g.lettering]) {
    if (d) page.drawSvgPath(d, { x: at.x, y: at.y, scale, color, borderWidth: 0, ...ink });
  }
}

// ---- geometry helpers ---------------------------------------------------------------------------

type Point = [number, number];

function starPoints(cx: number, cy: number, outer: number): Point[] {
  const inner = outer * 0.382; // regular pentagram: sin 18° / sin 54°
  const pts: Point[] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return pts;
}

const f = (v: number) => (Math.round(v * 100) / 100).toString();

function polygonPath(pts: Point[]): string {
  return `${pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(x)} ${f(y)}`).join('')}Z`;
}

/**
 * One glyph as SVG path data: font units (y up) → centred on its advance and the em box,
 * scaled by k (horizontally also by hs), y flipped, rotated clockwise by theta, moved to (cx, cy).
 */
function glyphPath(
  commands: { command: string; args: number[] }[],
  advance: number,
  k: number,
  hs: number,
  theta: number,
  cx: number,
  cy: number,
): string {
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const tx = (gx: number, gy: number): string => {
    const u = (gx - advance / 2) * k * hs;
    const v = -(gy - EM_CENTRE) * k;
    return `${f(cx + u * cos - v * sin)} ${f(cy + u * sin + v * cos)}`;
  };
  let d = '';
  for (const c of commands) {
    const a = c.args;
    if (c.command === 'moveTo') d += `M${tx(a[0], a[1])}`;
    else if (c.command === 'lineTo') d += `L${tx(a[0], a[1])}`;
    else if (c.command === 'bezierCurveTo') d += `C${tx(a[0], a[1])} ${tx(a[2], a[3])} ${tx(a[4], a[5])}`;
    else if (c.command === 'quadraticCurveTo') d += `Q${tx(a[0], a[1])} ${tx(a[2], a[3])}`;
    else if (c.command === 'closePath') d += 'Z';
  }
  return d;
}

function safeColor(color: string | undefined): string {
  if (color === undefined) return DEFAULT_RED;
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) throw new Error('seal colour must be #rrggbb');
  return color;
}

function hexToRgb(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 0xff) / 255, ((n >> 8) & 0xff) / 255, (n & 0xff) / 255);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
