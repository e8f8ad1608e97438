/** Uploaded material files: type checked by content, size by the item's material rules, stored in the database. */
import { createHash } from 'node:crypto';
import { latestPublishedItem } from '@yiwang/catalog';
import { badRequest, type Ctx, type Db, notFound, type Platform, requireSignedIn, writeAudit } from '@yiwang/platform';
import { sql } from 'kysely';

export const DEFAULT_MAX_MB = 20;

export interface FileMeta {
  id: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
}

/** Formats a material may name (catalog `format`, e.g. "pdf,jpg") and how to recognise them. */
const SNIFFERS: { ext: string[]; mime: string; test: (b: Buffer, name: string) => boolean }[] = [
  { ext: ['pdf'], mime: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { ext: ['jpg', 'jpeg'], mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    ext: ['png'],
    mime: 'image/png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  // OFD (GB/T 33190) is a ZIP package; recognised by signature and name.
  {
    ext: ['ofd'],
    mime: 'application/ofd',
    test: (b, name) => b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) && /\.ofd$/i.test(name),
  },
];

export function sniff(buf: Buffer, name: string): { ext: string; mime: string } | null {
  for (const s of SNIFFERS) if (s.test(buf, name)) return { ext: s.ext[0]!, mime: s.mime };
  return null;
}

/** Allowed extensions and size limit for a material of an item (or the defaults). */
async function rulesFor(db: Db, taskCode?: string, material?: string): Promise<{ exts: string[]; maxMb: number }> {
  const all = SNIFFERS.flatMap((s) => s.ext);
  if (!taskCode || !material) return { exts: all, maxMb: DEFAULT_MAX_MB };
  const item = await latestPublishedItem(db, taskCode);
  const m = item?.materials.find((x) => x.name === material);
  if (!m) throw badRequest('VALIDATION', '事项没有这项材料', `The item has no material "${material}"`, 'material');
  const exts = m.format
    ? m.format
        .toLowerCase()
        .split(/[,，;；/\s]+/)
        .map((x) => x.replace(/^\./, ''))
        .filter((x) => all.includes(x))
    : all;
  return { exts: exts.length ? exts : all, maxMb: m.maxSizeMb ?? DEFAULT_MAX_MB };
}

export async function upload(
  p: Platform,
  ctx: Ctx,
  input: { name: string; content: Buffer; truncated: boolean; taskCode?: string; material?: string },
): Promise<FileMeta> {
  requireSignedIn(ctx);
  const { exts, maxMb } = await rulesFor(p.db, input.taskCode, input.material);
  if (input.truncated || input.content.length > maxMb * 1024 * 1024)
    throw badRequest('FILE_TOO_LARGE', `文件不能超过 ${maxMb} MB`, `The file must not exceed ${maxMb} MB`, 'file');
  if (input.content.length === 0) throw badRequest('FILE_MISSING', '文件为空', 'The file is empty', 'file');
  const kind = sniff(input.content, input.name);
  if (!kind || !exts.includes(kind.ext))
    throw badRequest(
      'FILE_TYPE',
      `只接受以下格式：${exts.join('、').toUpperCase()}`,
      `Only these formats are accepted: ${exts.join(', ').toUpperCase()}`,
      'file',
    );
  const meta: FileMeta = {
    id: crypto.randomUUID(),
    name: input.name.slice(0, 200) || `file.${kind.ext}`,
    size: input.content.length,
    mime: kind.mime,
    sha256: createHash('sha256').update(input.content).digest('hex'),
  };
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('case_files')
      .values({
        id: meta.id,
        owner_account_id: ctx.caller.accountId,
        name: meta.name,
        mime: meta.mime,
        size: meta.size,
        sha256: meta.sha256,
        content: input.content,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'cases.file.upload',
      objectType: 'case_file',
      objectId: meta.id,
      detail: { size: meta.size, mime: meta.mime, sha256: meta.sha256 },
    });
  });
  remember(p.db, ctx.caller.accountId!, meta);
  return meta;
}

/**
 * Metadata of files seen in this process, by id. A `case_files` row is never changed or deleted
 * (nothing in the code updates or deletes one; its owner is fixed at upload), so an entry can
 * never become wrong; the ownership check answers from it exactly as from the table. Filled at
 * upload and by lookups; bounded.
 */
const known = new WeakMap<object, Map<string, { owner: string; meta: FileMeta }>>();
const MAX_KNOWN = 20_000;
function knownOf(db: Db) {
  let m = known.get(db);
  if (!m) {
    m = new Map();
    known.set(db, m);
  }
  return m;
}
function remember(db: Db, owner: string, meta: FileMeta) {
  const m = knownOf(db);
  if (m.size >= MAX_KNOWN) m.clear();
  m.set(meta.id, { owner, meta });
}

/** Metadata of files the caller uploaded (for attaching them to a case). */
export async function ownFiles(db: Db, ctx: Ctx, ids: string[]): Promise<Map<string, FileMeta>> {
  const out = new Map<string, FileMeta>();
  if (!ids.length) return out;
  const owner = ctx.caller.accountId;
  // Files are immutable: what this process has seen answers without a query (see `known`).
  if (!owner) return out;
  const cache = knownOf(db);
  const unseen: string[] = [];
  for (const id of ids) {
    const k = cache.get(id);
    if (!k) unseen.push(id);
    else if (k.owner === owner) out.set(id, { ...k.meta });
  }
  if (unseen.length) {
    const rows = await db
      .selectFrom('case_files')
      .select(['id', 'name', 'size', 'mime', 'sha256'])
      .where('id', 'in', unseen)
      .where('owner_account_id', '=', owner)
      .execute();
    for (const r of rows as any[]) {
      const meta: FileMeta = { id: r.id, name: r.name, size: r.size, mime: r.mime, sha256: r.sha256 };
      remember(db, owner, meta);
      out.set(meta.id, { ...meta });
    }
  }
  return out;
}

export async function fileRow(db: Db, id: string) {
  return db.selectFrom('case_files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Cases whose materials reference a file (to decide whether staff may read it). */
export async function casesWithFile(db: Db, fileId: string) {
  return db
    .selectFrom('cases')
    .selectAll()
    .where(sql<boolean>`materials @> ${JSON.stringify([{ files: [{ id: fileId }] }])}::jsonb`)
    .execute();
}

export function fileNotFound() {
  return notFound('File', '文件');
}
