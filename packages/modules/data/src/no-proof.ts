/**
 * No-proof services (免证明): the SHARED_DATA fulfilment of the one-stop services. A catalog
 * material declares `source: { resourceCode, fields?, predicate?, prefill? }`; at application the
 * platform asks the gateway on the applicant's behalf (their ID number or credit code, from
 * identity) under the standing grant of the item's department, and keeps the evidence — resource,
 * time, request id, answer hashes — on the case material instead of an upload.
 */

import { type FulfilmentContext, registerFulfilment } from '@yiwang/cases';
import { CATALOG_MANAGE, type CatalogItem, latestPublishedItem, type Material } from '@yiwang/catalog';
import { accountHolder } from '@yiwang/identity';
import { getDepartment } from '@yiwang/org';
import {
  AppError,
  authorize,
  badRequest,
  type Ctx,
  can,
  type Db,
  dayOf,
  notFound,
  type Platform,
  requireSignedIn,
  type Tx,
} from '@yiwang/platform';
import { sql } from 'kysely';
import { listLevels, loadResource, MANAGE } from './catalog.ts';
import * as gw from './gateway.ts';
import { REQUEST, type RequestView } from './sharing.ts';
import type { Level, Resource } from './types.ts';

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

/** Something about a SHARED_DATA source that stops it (`blocking`) or limits what it fetches. */
export interface SourceProblem {
  /** Path inside the material's `source`: `resourceCode`, `fields.N`, `predicate.field`, `prefill.<formField>`. */
  field: string;
  code: string;
  blocking: boolean;
  messageZh: string;
  messageEn: string;
}

/** What a source asks under a standing grant: the fields fetched, the form fields pre-filled, and its problems. */
export interface SourcePlan {
  fields: string[];
  /** [formField, dataField]: pre-filled only from fields the grant sees in clear. */
  prefill: [string, string][];
  problems: SourceProblem[];
}

/**
 * The one check of a source against the resource and the department's standing grant (`grant` null:
 * none). Applying uses it (a blocking problem → SHARED_DATA_UNAVAILABLE, upload instead) and so does
 * the catalog editor (`checkSource`), so what the editor warns about is exactly what applicants meet.
 */
export function planSource(
  source: DataSource,
  resource: Resource,
  grant: RequestView | null,
  levels: Level[],
): SourcePlan {
  const problems: SourceProblem[] = [];
  const add = (field: string, code: string, blocking: boolean, messageZh: string, messageEn: string) =>
    problems.push({ field, code, blocking, messageZh, messageEn });
  const def = new Map(resource.fields.map((f) => [f.name, f]));
  const label = (f: string) => def.get(f)?.label ?? f;
  const asked = source.fields ?? [];
  if (resource.status !== 'active')
    add(
      'resourceCode',
      'RESOURCE_RETIRED',
      true,
      `数据资源“${resource.name}”已停用`,
      `The data resource "${resource.name}" is retired`,
    );
  if (!grant)
    add(
      'resourceCode',
      'NO_STANDING_GRANT',
      true,
      `事项所属部门没有“${resource.name}”的有效共享授权，申请人只能上传材料`,
      `The item's department holds no current grant on "${resource.name}"; applicants will have to upload the material`,
    );
  const granted = new Set(grant?.grantedFields ?? []);
  const rows = grant?.mode === 'rows';
  asked.forEach((f, i) => {
    if (!def.has(f))
      add(`fields.${i}`, 'FIELD_UNKNOWN', false, `数据资源没有数据项“${f}”`, `The resource has no field "${f}"`);
    else if (grant && !granted.has(f))
      add(
        `fields.${i}`,
        'FIELD_NOT_GRANTED',
        false,
        `数据项“${label(f)}”不在授权范围内，不会获取`,
        `"${label(f)}" is not granted and will not be fetched`,
      );
  });
  const fields = rows ? asked.filter((f) => granted.has(f)) : [];
  if (grant && !rows && asked.length)
    add(
      'fields',
      'PREDICATE_ONLY',
      !source.predicate,
      '该授权仅可核验（可用不可见），不会返回数据项',
      'The grant answers checks only; no field will be fetched',
    );
  if (source.predicate) {
    const f = source.predicate.field;
    if (!def.has(f))
      add('predicate.field', 'FIELD_UNKNOWN', true, `数据资源没有数据项“${f}”`, `The resource has no field "${f}"`);
    else if (grant && !granted.has(f))
      add(
        'predicate.field',
        'FIELD_NOT_GRANTED',
        true,
        `核验的数据项“${label(f)}”不在授权范围内`,
        `The checked field "${label(f)}" is not granted`,
      );
  } else if (!asked.length)
    add(
      'fields',
      'NOTHING_ASKED',
      true,
      '既未设置核验条件，也未选择获取的数据项',
      'The source neither checks a condition nor fetches any field',
    );
  else if (grant && rows && !fields.length)
    add(
      'fields',
      'NOTHING_ASKED',
      true,
      '所选数据项均不在授权范围内，材料无法由共享数据证明',
      'None of the chosen fields is granted, so shared data cannot prove the material',
    );
  const clear = (f: string) =>
    (grant?.grantedClearFields ?? []).includes(f) ||
    levels.find((l) => l.code === def.get(f)?.level)?.maskAction === 'clear';
  const prefill: [string, string][] = [];
  for (const [formField, dataField] of Object.entries(source.prefill ?? {})) {
    const at = `prefill.${formField}`;
    if (!asked.includes(dataField))
      add(
        at,
        'PREFILL_NOT_FETCHED',
        false,
        `预填来源“${label(dataField)}”不在获取的数据项中`,
        `"${label(dataField)}" is not among the fetched fields, so it cannot pre-fill`,
      );
    else if (!fields.includes(dataField))
      continue; // already reported: not granted, or checks only
    else if (!clear(dataField))
      add(
        at,
        'PREFILL_MASKED',
        false,
        `授权中“${label(dataField)}”为脱敏值，不会预填`,
        `"${label(dataField)}" is masked under the grant and will not pre-fill`,
      );
    else prefill.push([formField, dataField]);
  }
  return { fields, prefill, problems };
}

/**
 * The department's standing grants on the resource with what each would do for `source`, best first:
 * those without a blocking problem before the others, then the fewest problems (fields not granted,
 * masked prefill), then the newest. A grant made for some other use (fewer fields, checks only) so
 * never hides the one that covers the source.
 */
async function standingPlans(
  p: Platform,
  db: Db | Tx,
  departmentId: string,
  resource: Resource,
  source: DataSource,
): Promise<{ grant: gw.Grant; plan: SourcePlan }[]> {
  const levels = await listLevels(db);
  const grants = await gw.standingGrants(p, departmentId, resource, db);
  const blocking = (x: SourcePlan) => x.problems.filter((q) => q.blocking).length;
  return grants
    .map((grant, newest) => ({ grant, plan: planSource(source, resource, grant.request, levels), newest }))
    .sort(
      (a, b) =>
        blocking(a.plan) - blocking(b.plan) || a.plan.problems.length - b.plan.problems.length || a.newest - b.newest,
    )
    .map(({ grant, plan }) => ({ grant, plan }));
}

async function pendingRequest(db: Db | Tx, departmentId: string, resourceId: string) {
  return db
    .selectFrom('data_requests')
    .select(['id', 'due_day'])
    .where('resource_id', '=', resourceId)
    .where('consumer_department_id', '=', departmentId)
    .where('status', '=', 'pending')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/**
 * The catalog editor's check of a SHARED_DATA source for an item of `departmentId` (no change, no
 * personal data): the resource, the department's standing grant (or a pending request for one) and
 * the problems `planSource` finds. Staff who manage the catalog or the data sharing of the department.
 */
export async function checkSource(p: Platform, ctx: Ctx, input: { departmentId: string; source: DataSource }) {
  requireSignedIn(ctx);
  const dep = await getDepartment(p.db, input.departmentId);
  if (!dep) throw notFound('Department', '部门');
  const target = { departmentId: dep.id, regionCode: dep.regionCode };
  if (!can(ctx.caller, CATALOG_MANAGE, target) && !can(ctx.caller, REQUEST, target) && !can(ctx.caller, MANAGE))
    authorize(ctx, CATALOG_MANAGE, target);
  const resource = await loadResource(p.db, input.source.resourceCode);
  if (!resource)
    throw badRequest(
      'RESOURCE_UNKNOWN',
      `数据目录中没有代码为“${input.source.resourceCode}”的资源`,
      `No data resource has the code "${input.source.resourceCode}"`,
      'source.resourceCode',
    );
  const best = (await standingPlans(p, p.db, dep.id, resource, input.source))[0];
  const grant = best?.grant ?? null;
  const plan = best?.plan ?? planSource(input.source, resource, null, await listLevels(p.db));
  const pending = grant ? undefined : await pendingRequest(p.db, dep.id, resource.id);
  return {
    resource: { id: resource.id, code: resource.code, name: resource.name, provider: resource.providerDepartmentName },
    grant: grant
      ? {
          id: grant.request.id,
          mode: grant.request.mode,
          periodTo: grant.request.periodTo,
          grantedFields: grant.request.grantedFields ?? [],
          grantedClearFields: grant.request.grantedClearFields ?? [],
        }
      : null,
    pending: pending ? { id: pending.id, dueDay: pending.due_day ? dayOf(new Date(pending.due_day)) : null } : null,
    usable: !plan.problems.some((x) => x.blocking),
    fields: plan.fields,
    prefill: Object.fromEntries(plan.prefill),
    problems: plan.problems,
  };
}

const unavailable = (m: Material) =>
  badRequest(
    'SHARED_DATA_UNAVAILABLE',
    `暂不能通过共享数据获取“${m.name}”，请上传材料`,
    `"${m.name}" cannot be fetched from shared data now; upload it instead`,
    at(m),
  );

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
  const resource = await loadResource(db, source.resourceCode);
  const usable = resource
    ? (await standingPlans(p, db, item.departmentId, resource, source)).filter(
        (x) => !x.plan.problems.some((q) => q.blocking),
      )
    : [];
  // A grant whose quota or rate is used up leaves the next one that covers the source; when none is
  // left, the applicant is asked to upload, not shown the gateway's limit.
  for (const { grant, plan } of usable) {
    try {
      return await fetchUnder(p, ctx, holder.code, item, m, source, grant, plan, via, tx);
    } catch (e) {
      if (!(e instanceof AppError && e.status === 429)) throw e;
    }
  }
  throw unavailable(m);
}

async function fetchUnder(
  p: Platform,
  ctx: Ctx,
  subject: string,
  item: CatalogItem,
  m: Material,
  source: DataSource,
  grant: gw.Grant,
  plan: SourcePlan,
  via: 'application' | 'preview',
  tx: Tx | undefined,
): Promise<Fetched> {
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
    const a = await gw.predicate(p, ctx, g, { key: subject, ...source.predicate });
    hashes.push(a.hash);
    found = a.body.found === true;
    predicate = {
      ...source.predicate,
      label: label(source.predicate.field),
      value: source.predicate.value,
      result: a.body.result === true,
    };
  }
  let shown: Fetched['shown'] = [];
  const prefill: Record<string, unknown> = {};
  if (plan.fields.length) {
    const a = await gw.query(p, ctx, g, { key: subject, fields: plan.fields });
    hashes.push(a.hash);
    const row = (a.body.rows as Record<string, unknown>[])[0];
    found = found || !!row;
    if (row) {
      shown = plan.fields.map((f) => ({ field: f, label: label(f), value: row[f] ?? null }));
      for (const [formField, dataField] of plan.prefill)
        if (row[dataField] != null) prefill[formField] = row[dataField];
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
                // `check` reads in any language; `predicate` lets a page name the operator in its own.
                check: `${r.predicate.label} ${r.predicate.op} ${String(r.predicate.value)}`,
                predicate: { label: r.predicate.label, op: r.predicate.op, value: r.predicate.value ?? null },
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
