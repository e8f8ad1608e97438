import {
  authorize,
  badRequest,
  type DbHandle,
  forgetDisplayCalendars,
  loadCalendar,
  type Platform,
  queryAudit,
  replaceCalendarYear,
  requestCtx,
  writeAudit,
} from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
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

const Year = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
const DayRow = Type.Object({
  day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]),
  name: Type.String({ minLength: 1, maxLength: 50 }),
});

/** The working-day calendar: statutory holidays and make-up workdays, per year. */
export async function calendarRoutes(api: FastifyInstance, platform: Platform) {
  const tags = ['calendar'];
  api.get(
    '/calendar/:year',
    { schema: { tags, summary: 'Holidays and make-up workdays of a year', params: Year } },
    async (req) => {
      const { year } = req.params as { year: number };
      const rows = await platform.db
        .selectFrom('calendar_days')
        .select([sql<string>`day::text`.as('day'), 'kind', 'name'])
        .where('day', '>=', `${year}-01-01`)
        .where('day', '<=', `${year}-12-31`)
        .orderBy('day')
        .execute();
      return { year, days: rows };
    },
  );
  api.put(
    '/calendar/:year',
    {
      schema: {
        tags,
        summary: "Replace a year's holidays and make-up workdays",
        params: Year,
        body: Type.Object({ days: Type.Array(DayRow, { maxItems: 366 }) }),
      },
    },
    async (req) => {
      const ctx = requestCtx(req);
      authorize(ctx, 'calendar.manage');
      const { year } = req.params as { year: number };
      const { days } = req.body as { days: { day: string; kind: 'holiday' | 'workday'; name: string }[] };
      const seen = new Set<string>();
      for (const [i, d] of days.entries()) {
        const parsed = new Date(`${d.day}T00:00:00Z`);
        if (
          !d.day.startsWith(`${year}-`) ||
          Number.isNaN(parsed.getTime()) ||
          parsed.toISOString().slice(0, 10) !== d.day
        ) {
          throw badRequest(
            'INVALID_DAY',
            `第 ${i + 1} 行日期无效或不在 ${year} 年`,
            `Row ${i + 1}: invalid date or not in ${year}`,
            `days.${i}.day`,
          );
        }
        if (seen.has(d.day))
          throw badRequest('DUPLICATE_DAY', `日期 ${d.day} 重复`, `Day ${d.day} is listed twice`, `days.${i}.day`);
        seen.add(d.day);
      }
      await platform.db.transaction().execute(async (tx) => {
        await replaceCalendarYear(tx, year, days);
        await writeAudit(tx, ctx, {
          action: 'calendar.replace',
          objectType: 'calendar',
          objectId: String(year),
          detail: { days: days.length },
        });
      });
      forgetDisplayCalendars();
      const cal = await loadCalendar(platform.db);
      return { year, days: days.length, workingDays: cal.workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`) };
    },
  );
}

export async function metricsText(): Promise<{ type: string; body: string }> {
  return { type: registry.contentType, body: await registry.metrics() };
}
