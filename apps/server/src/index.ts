export { allMigrations, buildRuntime, modules, type Runtime } from './app.ts';
