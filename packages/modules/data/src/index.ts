/** Public surface of the data module (政务数据目录、共享交换: domain reference §5). */
import type { YiwangModule } from '@yiwang/platform';
import { exchangeRoutes } from './exchange-routes.ts';
import { dataMigrations } from './migrations.ts';
import { routes } from './routes.ts';
import { seed } from './seed.ts';

export { dataMigrations } from './migrations.ts';
export { CREDIT_CODE_RESOURCE, LEGAL_CODE, LICENCE_CODE_RESOURCE, POPULATION_CODE } from './seed.ts';
export type { FieldDef, Level, MaskRule, Resource, ResourceInput } from './types.ts';
export {
  FIELD_FORMATS,
  FIELD_TYPES,
  IDENTIFIER_KINDS,
  NATIONAL_LABELS,
  OPEN_TYPES,
  SHARE_TYPES,
  UPDATE_CYCLES,
} from './types.ts';

export const dataModule: YiwangModule = { name: 'data', migrations: dataMigrations, routes, seed };
/** The exchange gateway (OAuth2 client credentials), mounted under /api/v1/exchange. */
export const exchangeModule: YiwangModule = { name: 'exchange', migrations: {}, routes: exchangeRoutes };
