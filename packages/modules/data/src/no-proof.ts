/**
 * No-proof services (免证明): the SHARED_DATA fulfilment of the one-stop services. A catalog
 * material declares `source: { resourceCode, fields?, predicate?, prefill? }`; at application the
 * platform asks the gateway on the applicant's behalf (their ID number or credit code, from
 * identity) under the standing grant of the item's department, and keeps the evidence — resource,
 * time, request id, answer hashes — on the case material instead of an upload.
 */

import { type FulfilmentContext, registerFulfilment } from '@yiwang/cases';
import { type CatalogItem, latestPublishedItem, type Material } from '@yiwang/catalog';
import { accountHolder } from '@yiwang/identity';
import { badRequest, type Ctx, type Db, notFound, type Platform, requireSignedIn, type Tx } from '@yiwang/platform';
import { sql } from 'kysely';
import { listLevels } from './catalog.ts';
import * as gw from './gateway.ts';

export interface DataSource {
  resourceCode: string;
  /** Fields fetched and shown to the applicant (within the grant). */
  fields?: string[];
  /** A yes/no check that satisfies the material ("usable but invisible"). */
  predicate?: { field: string; op: gw.PredicateOp; value?: unknown };
  /** Form fields pre-filled from fetched fields: { formField: dataField } (only fields the grant sees in clear). */
  prefill?: Record<string, string>;
}

export interface Fetched {
  satisfied: boolean;
  found: boolean;
  resourceCode: string;
  resourceName: string;
  provider: string;
  grantId: string;
  answerHashes: string[];
  predicate: { field: string; label: string; op: string; value: unknown; result: boolean } | null;
  shown: { field: string; label: string; value: unknown }[];
  prefill: Record<string, unknown>;
}

const at = (m: { name: string }) => `materials.${m.name}`;

function sourceOf(m: Material): DataSource {
  const s = m.source as DataSource | null | undefined;
  if (!s || typeof s.resourceCode !== 'string')
    throw badRequest(
      'SHARED_DATA_UNDEFINED',
      `材料“${m.name}”未配置共享数据来源`,
      `Material "${m.name}" names no data source`,
      at(m),
    );
  return s;
}

/** Queries the gateway for the applicant under the item's standing grant (in `tx` when given). */
export async function fetchForApplicant(
  p: Platform,
  db: Db | Tx,
  ctx: Ctx,
  item: CatalogItem,
  m: Material,
  via: 'application' | 'preview',
  tx?: Tx,
): Promise<Fetched> {
  requireSignedIn(ctx);
  const source = sourceOf(m);
  const holder = await accountHolder(db, p.config, ctx.caller.accountId);
  if (!holder?.code || holder.type === 'staff')
    throw badRequest(
      'SHARED_DATA_NO_SUBJECT',
      '仅实名认证的个人或企业可由系统代为查询',
      'Only a real-name person or enterprise can have data fetched for them',
      at(m),
    );
  const grant = await gw.standingGrant(p, item.departmentId, source.resourceCode, db);
  if (!grant)
    throw badRequest(
      'SHARED_DATA_UNAVAILABLE',
      `暂不能通过共享数据获取“${m.name}”，请上传材料`,
      `"${m.name}" cannot be fetched from shared data now; upload it instead`,
      at(m),
    );
  const g: gw.Grant = {
    ...grant,
    onBehalfOf: ctx.caller.accountId,
    tx,
    tags: { taskCode: item.taskCode, material: m.name, via },
  };
  const label = (f: string) => grant.resource.fields.find((x) => x.name === f)?.label ?? f;
  const hashes: string[] = [];
  let predicate: Fetched['predicate'] = null;
  let found = false;
  if (source.predicate) {
    const a = await gw.predicate(p, ctx, g, { key: holder.code, ...source.predicate });
    hashes.push(a.hash);
    found = a.body.found === true;
    predicate = {
      ...source.predicate,
      label: label(source.predicate.field),
      value: source.predicate.value,
      result: a.body.result === true,
    };
  }
  const granted = grant.request.grantedFields ?? [];
  const fields = (source.fields ?? []).filter((f) => granted.includes(f));
  let shown: Fetched['shown'] = [];
  const prefill: Record<string, unknown> = {};
  if (fields.length) {
    const a = await gw.query(p, ctx, g, { key: holder.code, fields });
    hashes.push(a.hash);
    const row = (a.body.rows as Record<string, unknown>[])[0];
    found = found || !!row;
    if (row) {
      shown = fields.map((f) => ({ field: f, label: label(f), value: row[f] ?? null }));
      const levels = await listLevels(db);
      const clear = (f: string) => {
        const def = grant.resource.fields.find((x) => x.name === f);
        const level = levels.find((l) => l.code === def?.level);
        return (grant.request.grantedClearFields ?? []).includes(f) || level?.maskAction === 'clear';
      };
      for (const [formField, dataField] of Object.entries(source.prefill ?? {}))
        if (fields.includes(dataField) && clear(dataField) && row[dataField] != null)
          prefill[formField] = row[dataField];
    }
  }
  return {
    satisfied: predicate ? predicate.result : found,
    found,
    resourceCode: grant.resource.code,
    resourceName: grant.resource.name,
    provider: grant.resource.providerDepartmentName,
    grantId: grant.request.id,
    answerHashes: hashes,
    predicate,
    shown,
    prefill,
  };
}

let platformRef: Platform | null = null;

/** Registers SHARED_DATA with the cases module's fulfilment registry (once per process; the last platform wins). */
export function registerNoProof(p: Platform) {
  platformRef = p;
  registerFulfilment({
    type: 'SHARED_DATA',
    async fulfil(fc: FulfilmentContext) {
      const platform = platformRef!;
      const r = await fetchForApplicant(platform, fc.db, fc.ctx, fc.item, fc.material, 'application', fc.db as Tx);
      if (!r.satisfied)
        throw badRequest(
          'SHARED_DATA_NOT_SATISFIED',
          r.found
            ? `共享数据不能证明“${fc.material.name}”，请上传材料`
            : `共享数据中未找到您的记录，请上传“${fc.material.name}”`,
          r.found
            ? `Shared data does not prove "${fc.material.name}"; upload it instead`
            : `No record of you in shared data; upload "${fc.material.name}"`,
          at(fc.material),
        );
      // Evidence without personal values: what was asked, of whom, when, and the hash of each answer.
      return {
        files: [],
        evidence: {
          kind: 'SHARED_DATA',
          at: new Date().toISOString(),
          requestId: fc.ctx.requestId,
          resource: r.resourceCode,
          resourceName: r.resourceName,
          provider: r.provider,
          grant: r.grantId,
          answerHashes: r.answerHashes,
          fields: r.shown.map((s) => s.label),
          ...(r.predicate
            ? {
                check: `${r.predicate.label} ${r.predicate.op} ${String(r.predicate.value)}`,
                result: r.predicate.result,
              }
            : {}),
        },
      };
    },
  });
}

/** What the application form shows the applicant before submitting: the fetched data, checked live. */
export async function preview(p: Platform, ctx: Ctx, input: { taskCode: string; material: string }) {
  requireSignedIn(ctx);
  const item = await latestPublishedItem(p.db, input.taskCode);
  if (!item) throw notFound('Service item', '事项');
  const m = item.materials.find((x) => x.name === input.material);
  if (m?.fulfilment !== 'SHARED_DATA')
    throw badRequest(
      'NOT_SHARED_DATA',
      '该材料不由共享数据提供',
      'This material is not provided from shared data',
      'material',
    );
  const r = await p.db.transaction().execute((tx) => fetchForApplicant(p, tx, ctx, item, m, 'preview', tx));
  return { material: m.name, ...r };
}

/** Materials and visits saved per item: each material fulfilled from shared data on a filed case saves one certificate and its visit. */
export async function savings(p: Platform) {
  const rows = await sql<{ task_code: string; material: string; n: string; first: string; last: string }>`
    select task_code, material, count(distinct request_uid) as n, min(at) as first, max(at) as last
    from data_calls where via = 'application' and task_code is not null
    group by task_code, material order by task_code, material`.execute(p.db);
  const byItem = new Map<
    string,
    { taskCode: string; materials: { name: string; saved: number }[]; materialsSaved: number; visitsSaved: number }
  >();
  for (const r of rows.rows) {
    const e = byItem.get(r.task_code) ?? { taskCode: r.task_code, materials: [], materialsSaved: 0, visitsSaved: 0 };
    e.materials.push({ name: r.material, saved: Number(r.n) });
    e.materialsSaved += Number(r.n);
    e.visitsSaved += Number(r.n);
    byItem.set(r.task_code, e);
  }
  const items = [];
  for (const e of byItem.values()) {
    const item = await latestPublishedItem(p.db, e.taskCode);
    items.push({ ...e, name: item?.name ?? e.taskCode, departmentName: item?.departmentName ?? null });
  }
  return { items };
}
