/** Demo data: the implementation list of 佛山市 municipal departments (src/seed-items.ts). */
import { type Platform, systemCtx, writeAudit } from '@yiwang/platform';
import { itemsChanged } from './published.ts';
import * as repo from './repository.ts';
import { buildSearchText } from './search.ts';
import { SEED_ADDRESS, SEED_HOURS, SEED_ITEMS } from './seed-items.ts';
import type { CatalogItem } from './types.ts';

/** 市级 (municipal) use level. */
const MUNICIPAL = '3';

function formSchema(fields: Record<string, string>) {
  return {
    type: 'object',
    required: Object.keys(fields),
    properties: Object.fromEntries(Object.entries(fields).map(([k, title]) => [k, { type: 'string', title }])),
  };
}

export async function seed(platform: Platform, log: (line: string) => void): Promise<void> {
  const db = platform.db;
  if ((await repo.countItems(db)) > 0) return;
  const deps = await db
    .selectFrom('departments')
    .select(['id', 'name', 'credit_code', 'region_code'])
    .where('name', 'in', [...new Set(SEED_ITEMS.map((i) => i.department))])
    .execute();
  const byName = new Map(deps.map((d: any) => [d.name as string, d]));
  const ctx = systemCtx('seed');
  let n = 0;
  const skipped = new Set<string>();
  await db.transaction().execute(async (tx) => {
    for (const s of SEED_ITEMS) {
      const dep: any = byName.get(s.department);
      if (!dep) {
        skipped.add(s.department);
        continue;
      }
      const row: Omit<CatalogItem, 'createdAt' | 'updatedAt'> = {
        id: crypto.randomUUID(),
        taskCode: `${dep.credit_code}${MUNICIPAL}${s.catalogCode}`,
        taskVersion: 1,
        catalogCode: s.catalogCode,
        name: s.name,
        taskType: s.taskType,
        useLevel: MUNICIPAL,
        departmentId: dep.id,
        departmentName: dep.name,
        regionCode: dep.region_code,
        projectType: s.projectType,
        statutoryLimit: s.statutory[0],
        statutoryUnit: s.statutory[1],
        promisedLimit: s.promised[0],
        promisedUnit: s.promised[1],
        visitsRequired: s.visits,
        isOnline: s.isOnline,
        onlineDepth: s.onlineDepth,
        serviceObject: s.serviceObject,
        conditions: s.conditions,
        legalBasis: s.legalBasis,
        address: SEED_ADDRESS,
        officeHours: SEED_HOURS,
        contact: '0757-12345',
        fee: s.fee ?? { isFee: false, items: [], basis: null },
        themes: s.themes,
        formSchema: formSchema(s.form),
        materials: s.materials,
        steps: s.steps,
        results: s.results,
        faqs: s.faqs ?? [],
        duties: null,
        accountability: null,
        status: 'published',
      };
      await repo.insertBasicItem(tx, {
        catalogCode: s.catalogCode,
        name: s.name,
        taskType: s.taskType,
        parentCode: null,
        legalBasis: s.legalBasis,
      });
      await repo.insertItem(tx, row, buildSearchText(row.name, row.departmentName, row.themes));
      n++;
    }
    await writeAudit(tx, ctx, {
      action: 'catalog.seed',
      objectType: 'catalog_item',
      objectId: null,
      detail: { items: n, departments: byName.size },
    });
  });
  await itemsChanged(platform);
  log(`catalog: seeded ${n} service items of ${byName.size} departments`);
  if (skipped.size) log(`catalog: departments not found, items skipped: ${[...skipped].join(', ')}`);
}
