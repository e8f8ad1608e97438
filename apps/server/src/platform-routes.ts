import { authorize, type DbHandle, type Platform, queryAudit, requestCtx, writeAudit } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { Type } from 'typebox';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const httpDuration = new client.Histogram({
  name: 'yiwang_http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export async function platformRoutes(api: FastifyInstance, platform: Platform, _handle: DbHandle) {
  const root = api;
  root.addHook('onResponse', async (req, reply) => {
    httpDuration
      .labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  api.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Read the audit log (filters, newest first)',
        querystring: Type.Object({
          actorId: Type.Optional(Type.String({ maxLength: 64 })),
          action: Type.Optional(Type.String({ maxLength: 128 })),
          objectType: Type.Optional(Type.String({ maxLength: 64 })),
          objectId: Type.Optional(Type.String({ maxLength: 128 })),
          outcome: Type.Optional(
            Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]),
          ),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          page: Type.Integer({ minimum: 1, default: 1 }),
          pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
        }),
      },
    },
    async (req) => {
      const ctx = requestCtx(req);
      authorize(ctx, 'audit.read');
      const q = req.query as any;
      const result = await queryAudit(platform.db, q);
      // Reading the audit log is itself recorded.
      await platform.db
        .transaction()
        .execute((tx) =>
          writeAudit(tx, ctx, { action: 'audit.read', objectType: 'audit_log', detail: { filters: { ...q } } }),
        );
      return result;
    },
  );
}

export async function metricsText(): Promise<{ type: string; body: string }> {
  return { type: registry.contentType, body: await registry.metrics() };
}
