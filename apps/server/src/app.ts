import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { bundlesModule, casesModule, evaluationRoutes } from '@yiwang/cases';
import { catalogModule } from '@yiwang/catalog';
import { dataModule, exchangeModule } from '@yiwang/data';
import { configureIdentity, createAuthenticator, identityModule, mountOidc } from '@yiwang/identity';
import { licencesModule, mountDidWeb } from '@yiwang/licences';
import { loadGrants, orgModule } from '@yiwang/org';
import {
  auditMigrations,
  type Config,
  calendarMigrations,
  type DbHandle,
  type EventBus,
  flushAuditChain,
  InProcessBus,
  installErrorHandler,
  JobRunner,
  jobMigrations,
  loadConfig,
  migrate,
  natsBus,
  notifyMigrations,
  openDatabase,
  type Platform,
  registerNotifyDelivery,
  startAuditChainer,
  type YiwangModule,
} from '@yiwang/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { notificationRoutes } from './notification-routes.ts';
import { calendarRoutes, metricsText, platformRoutes } from './platform-routes.ts';

export const modules: YiwangModule[] = [
  orgModule,
  identityModule,
  catalogModule,
  casesModule,
  bundlesModule,
  licencesModule,
  dataModule,
  exchangeModule,
];
export const allMigrations = [
  auditMigrations,
  jobMigrations,
  calendarMigrations,
  notifyMigrations,
  ...modules.map((m) => m.migrations),
];

export interface Runtime {
  app: FastifyInstance;
  platform: Platform;
  handle: DbHandle;
  close(): Promise<void>;
}

export interface BuildOptions {
  config?: Config;
  /** Use this database instead of opening one from the config (tests). */
  handle?: DbHandle;
  seed?: boolean;
  logger?: boolean;
  webDist?: string | null;
}

export async function buildRuntime(opts: BuildOptions = {}): Promise<Runtime> {
  const config = opts.config ?? loadConfig();
  const handle =
    opts.handle ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? null : join(config.dataDir, 'pglite'),
    }));
  await migrate(handle.db, allMigrations);
  const bus: EventBus = config.natsUrl ? await natsBus(config.natsUrl) : new InProcessBus();
  const jobs = new JobRunner(handle.db, {
    onError: (job, err) =>
      console.error(`job ${job.queue}#${job.id} failed: ${err instanceof Error ? err.message : err}`),
  });
  const platform: Platform = { db: handle.db, config, bus, jobs };
  configureIdentity(platform, { resolveGrants: (accountId) => loadGrants(handle.db, accountId) });
  registerNotifyDelivery(platform);

  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            // Personal data never reaches the log: bodies are not logged and these are redacted.
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
          },
    trustProxy: true,
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Yiwang (一网) API', version: '1', description: 'Integrated digital-government platform' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'yw_session' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installErrorHandler(app, handle.db);
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'SAMEORIGIN');
  });
  app.addHook('onRequest', createAuthenticator(platform));

  await app.register(
    async (api) => {
      await platformRoutes(api, platform, handle);
      await calendarRoutes(api, platform);
      await notificationRoutes(api, platform);
      await evaluationRoutes(api, platform);
      for (const m of modules) await api.register(async (scope) => m.routes(scope, platform), { prefix: `/${m.name}` });
    },
    { prefix: '/api/v1' },
  );
  await mountOidc(app, platform);
  await mountDidWeb(app, platform);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const m = await metricsText();
    return reply.type(m.type).send(m.body);
  });
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(handle.db);
      return { status: 'ready', database: handle.kind };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  const webDist = opts.webDist === undefined ? join(import.meta.dirname, '../../web/dist') : opts.webDist;
  if (webDist && existsSync(join(webDist, 'index.html'))) {
    // Files are looked up per request (wildcard), so a rebuild of the web app is served without a restart.
    await app.register(fastifyStatic, { root: webDist, wildcard: true });
    app.setNotFoundHandler((req, reply) => {
      // The SPA's page for its own routes; a missing asset (e.g. of another build) is a 404, not the
      // page: a browser given HTML for a script reports a MIME error and shows nothing.
      if (
        req.method === 'GET' &&
        !req.url.startsWith('/api/') &&
        !req.url.startsWith('/oidc/') &&
        !req.url.startsWith('/assets/')
      ) {
        return reply.type('text/html').sendFile('index.html');
      }
      return reply.status(404).send({ code: 'NOT_FOUND', message: '接口不存在', messageEn: 'No such route' });
    });
  } else {
    app.setNotFoundHandler((_req, reply) =>
      reply.status(404).send({ code: 'NOT_FOUND', message: '接口不存在', messageEn: 'No such route' }),
    );
  }

  if (opts.seed ?? config.seedDemo) {
    for (const m of modules) await m.seed?.(platform, (line) => console.log(line));
  }
  await app.ready();
  jobs.start();
  const chainer = startAuditChainer(handle.db, {
    onError: (err) => console.error(`audit chainer: ${err instanceof Error ? err.message : err}`),
  });
  return {
    app,
    platform,
    handle,
    async close() {
      await jobs.stop();
      await app.close();
      await chainer.stop();
      await flushAuditChain(handle.db).catch((err) =>
        console.error(`audit chainer: ${err instanceof Error ? err.message : err}`),
      );
      await bus.close();
      await handle.close();
    },
  };
}
