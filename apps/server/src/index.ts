export { buildRuntime, allMigrations, modules, type Runtime } from './app.ts';
