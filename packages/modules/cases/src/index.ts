/** Public surface of the cases module (办件: the lifecycle of an application, domain reference §2). */
import type { YiwangModule } from '@yiwang/platform';
import { bundleRoutes } from './bundle-routes.ts';
import { evaluationMigrations } from './evaluation-migrations.ts';
import { casesMigrations } from './migrations.ts';
import { routes } from './routes.ts';
import { seed } from './seed.ts';

export type { Bundle, BundleField, BundleInput, BundleMaterial, BundleMember, Scenario } from './bundles.ts';
export { ratingForCase } from './evaluation.ts';
export { evaluationMigrations } from './evaluation-migrations.ts';
export { evaluationRoutes } from './evaluation-routes.ts';
export type { FileMeta } from './files.ts';
export { upload as uploadCaseFile } from './files.ts';
export type {
  FulfilmentContext,
  FulfilmentProvider,
  MaterialInput,
  MaterialStatus,
  ProvidedMaterial,
} from './fulfilment.ts';
export { fulfilmentTypes, registerFulfilment } from './fulfilment.ts';
export { casesMigrations } from './migrations.ts';
export { STATE_NAMES } from './notices.ts';
export { DEMO_CITIZEN_PASSWORD, DEMO_CITIZENS } from './seed.ts';
export type {
  CaseStep,
  CaseView,
  Countersign,
  DeadlineStatus,
  ProcedureType,
  SpecialProcedure,
  SupplementNotice,
  TimelineEvent,
} from './service.ts';
export {
  type ApplyInput,
  apply as fileApplication,
  onTransition,
  PROCEDURE_TYPES,
  type TransitionHook,
  type TransitionHookFilter,
} from './service.ts';
export type { Action, Actor, State, Transition } from './workflow.ts';
export { ACTIONS, findTransition, STATES, TERMINAL_STATES, TRANSITIONS } from './workflow.ts';

export const casesModule: YiwangModule = {
  name: 'cases',
  migrations: { ...casesMigrations, ...evaluationMigrations },
  routes,
  seed,
};
/** Bundles (一件事一次办) live in the cases module; their routes are mounted under /api/v1/bundles. */
export const bundlesModule: YiwangModule = { name: 'bundles', migrations: {}, routes: bundleRoutes };
