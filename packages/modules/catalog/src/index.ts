/** Public surface of the catalog module (service items: basic catalog and implementation list). */
import type { YiwangModule } from '@yiwang/platform';
import { catalogMigrations } from './migrations.ts';
import { routes } from './routes.ts';
import { seed } from './seed.ts';

export { checkFormSchema, FIELD_TYPES, STRING_FORMATS } from './form-schema.ts';
export { catalogMigrations } from './migrations.ts';
export {
  forgetPublishedItems,
  ITEMS_CHANGED,
  itemsChanged,
  PUBLISHED_TTL_MS,
  publishedItem,
} from './published.ts';
export { latestPublishedItem, searchItems as searchPublishedItems } from './repository.ts';
export { buildSearchText } from './search.ts';
export { getItemVersion, MANAGE as CATALOG_MANAGE } from './service.ts';
export type {
  AdminItemSummary,
  BasicItem,
  CatalogItem,
  Fulfilment,
  ItemInput,
  ItemSummary,
  ItemVersionInfo,
  Material,
  Step,
} from './types.ts';
export { FULFILMENTS, POWER_TASK_TYPES, PROJECT_TYPES, TASK_TYPES, TIME_UNITS, USE_LEVELS } from './types.ts';

export const catalogModule: YiwangModule = { name: 'catalog', migrations: catalogMigrations, routes, seed };
