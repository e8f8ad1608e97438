/**
 * How a material of an application is fulfilled. A registry of providers keyed by fulfilment
 * type: UPLOAD and COMMITMENT live here; ECERT (electronic licence) and SHARED_DATA (query to the
 * data exchange) are registered by their modules at start, without changes to this module.
 */
import type { CatalogItem, Material } from '@yiwang/catalog';
import { badRequest, type Ctx, type Db, type Tx } from '@yiwang/platform';
import { type FileMeta, ownFiles } from './files.ts';

export interface MaterialInput {
  name: string;
  fulfilment?: string;
  fileIds?: string[];
  commitment?: boolean;
  /** Provider-specific reference (e.g. a licence identifier for ECERT). */
  ref?: string;
}

export type MaterialStatus = 'provided' | 'missing' | 'tolerated' | 'supplemented';

export interface ProvidedMaterial {
  name: string;
  required: boolean;
  fulfilment: string;
  status: MaterialStatus;
  files: FileMeta[];
  commitment?: boolean;
  toleratedUntil?: string;
  /** What proves the fulfilment: kind, time, and provider data (request id, response hash…). */
  evidence?: Record<string, unknown>;
}

export interface FulfilmentContext {
  db: Db | Tx;
  ctx: Ctx;
  item: CatalogItem;
  material: Material;
}

export interface FulfilmentProvider {
  type: string;
  /**
   * True when `fulfil` only reads rows that cannot change under the application (e.g. the
   * applicant's own uploaded files, which are never changed or deleted) and writes nothing, so it
   * may run on the database outside the case's transaction. A new case submitted at once whose
   * materials all come from such providers is written in one autocommit statement (see `apply`).
   * Unset (the default): `fulfil` runs inside the case's transaction (`fc.db` is that transaction).
   */
  outsideTransaction?: boolean;
  /** The material as provided, or a 400 AppError naming `materials.<name>`. */
  fulfil(
    fc: FulfilmentContext,
    input: MaterialInput,
  ): Promise<Pick<ProvidedMaterial, 'files' | 'commitment' | 'evidence'>>;
}

const providers = new Map<string, FulfilmentProvider>();

export function registerFulfilment(p: FulfilmentProvider): void {
  providers.set(p.type, p);
}

export function fulfilmentTypes(): string[] {
  return [...providers.keys()];
}

const field = (m: { name: string }) => `materials.${m.name}`;

registerFulfilment({
  type: 'UPLOAD',
  outsideTransaction: true,
  async fulfil(fc, input) {
    const ids = [...new Set(input.fileIds ?? [])];
    if (!ids.length)
      throw badRequest('MATERIAL_MISSING', `请上传${input.name}`, `Upload "${input.name}"`, field(input));
    const own = await ownFiles(fc.db as Db, fc.ctx, ids);
    const missing = ids.find((id) => !own.has(id));
    if (missing)
      throw badRequest('FILE_UNKNOWN', '文件不存在或不属于您', 'Unknown file, or not uploaded by you', field(input));
    return { files: ids.map((id) => own.get(id)!), evidence: { kind: 'UPLOAD', at: new Date().toISOString() } };
  },
});

registerFulfilment({
  type: 'COMMITMENT',
  outsideTransaction: true,
  async fulfil(fc, input) {
    if (fc.material.fulfilment !== 'COMMITMENT')
      throw badRequest(
        'COMMITMENT_NOT_ALLOWED',
        `${input.name}不适用告知承诺`,
        `"${input.name}" cannot be replaced by a commitment`,
        field(input),
      );
    if (input.commitment !== true)
      throw badRequest(
        'COMMITMENT_REQUIRED',
        `请勾选承诺：${input.name}`,
        `Tick the commitment for "${input.name}"`,
        field(input),
      );
    return { files: [], commitment: true, evidence: { kind: 'COMMITMENT', at: new Date().toISOString() } };
  },
});

/**
 * The materials of a case after applying `inputs` to `previous` (or to the item's list): every
 * material of the item version in its order, provided or missing. An input may use the item's
 * declared fulfilment, or UPLOAD (an upload is always accepted instead).
 */
export async function resolveMaterials(
  db: Db | Tx,
  ctx: Ctx,
  item: CatalogItem,
  inputs: MaterialInput[],
  previous: ProvidedMaterial[] = [],
  opts: { supplemented?: boolean } = {},
): Promise<ProvidedMaterial[]> {
  const byName = new Map<string, MaterialInput>();
  for (const i of inputs) {
    if (!item.materials.some((m) => m.name === i.name))
      throw badRequest('VALIDATION', `事项没有材料“${i.name}”`, `The item has no material "${i.name}"`, field(i));
    if (byName.has(i.name))
      throw badRequest('VALIDATION', `材料“${i.name}”重复`, `Material "${i.name}" given twice`, field(i));
    byName.set(i.name, i);
  }
  const out: ProvidedMaterial[] = [];
  for (const m of item.materials) {
    const prev = previous.find((x) => x.name === m.name);
    const input = byName.get(m.name);
    if (!input) {
      out.push(prev ?? { name: m.name, required: m.required, fulfilment: m.fulfilment, status: 'missing', files: [] });
      continue;
    }
    const type = input.fulfilment ?? m.fulfilment;
    if (type !== m.fulfilment && type !== 'UPLOAD')
      throw badRequest(
        'FULFILMENT_NOT_ALLOWED',
        `${m.name}不能以此方式提供`,
        `"${m.name}" cannot be provided as ${type}`,
        field(m),
      );
    const provider = providers.get(type);
    if (!provider)
      throw badRequest(
        'FULFILMENT_UNKNOWN',
        `未知的材料提供方式：${type}`,
        `Unknown fulfilment type ${type}`,
        field(m),
      );
    const got = await provider.fulfil({ db, ctx, item, material: m }, input);
    out.push({
      name: m.name,
      required: m.required,
      fulfilment: type,
      status: opts.supplemented ? 'supplemented' : 'provided',
      ...got,
    });
  }
  return out;
}

/**
 * Whether resolving `inputs` needs the case's transaction: some input's provider (the one
 * `resolveMaterials` would call) is not declared `outsideTransaction`, or is unknown.
 */
export function materialsNeedTransaction(item: CatalogItem, inputs: MaterialInput[]): boolean {
  return inputs.some((i) => {
    const m = item.materials.find((x) => x.name === i.name);
    const type = i.fulfilment ?? m?.fulfilment;
    return !type || !providers.get(type)?.outsideTransaction;
  });
}

/** Refuses submission while a required material is neither provided nor tolerated. */
export function requireComplete(materials: ProvidedMaterial[]): void {
  const missing = materials.find((m) => m.required && m.status === 'missing');
  if (missing)
    throw badRequest(
      'MATERIAL_MISSING',
      `缺少必需材料：${missing.name}`,
      `Required material missing: ${missing.name}`,
      field(missing),
    );
}
