/** Public surface of the catalog module (service items: basic catalog and implementation list). */
import type { YiwangModule } from '@yiwang/platform';
import { catalogMigrations } from './migrations.ts';
import { routes } from './routes.ts';
import { seed } from './seed.ts';

export { catalogMigrations } from './migrations.ts';
export { latestPublishedItem } from './repository.ts';
export { buildSearchText } from './search.ts';
export { getItemVersion } from './service.ts';
export type { CatalogItem, Fulfilment, ItemInput, ItemSummary, Material, Step } from './types.ts';
export { FULFILMENTS, PROJECT_TYPES, TASK_TYPES, TIME_UNITS, USE_LEVELS } from './types.ts';

export const catalogModule: YiwangModule = { name: 'catalog', migrations: catalogMigrations, routes, seed };
