/**
 * HTTP surface of the evaluation (好差评) loop. Mount it on the `/api/v1` scope (not the
 * `/cases` one): it serves `/cases/{id}/rating` and `/evaluations/…`. Also registers the
 * overdue job handler on the runtime's job runner.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as ev from './evaluation.ts';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Score = Type.Integer({ minimum: 1, maximum: 5 });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
};

export function registerEvaluationJobs(platform: Platform): void {
  platform.jobs.register(ev.OVERDUE_QUEUE, async (job) => {
    await ev.flagOverdue(platform, String(job.payload.rectificationId), Number(job.payload.round), `job:${job.id}`);
  });
}

export async function evaluationRoutes(scope: FastifyInstance, platform: Platform): Promise<void> {
  if (scope.prefix.endsWith('/cases'))
    throw new Error(
      'evaluationRoutes serves /cases/{id}/rating and /evaluations/…: register it on the /api/v1 scope, not inside the cases module',
    );
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['evaluation'];
  registerEvaluationJobs(platform);

  app.post(
    '/cases/:id/rating',
    {
      schema: {
        tags,
        summary: 'Rate a concluded case (the applicant, once); levels 1–2 open a rectification task',
        params: Id,
        body: Type.Object(
          {
            level: Score,
            indicators: Type.Object(
              {
                overall: Score,
                efficiency: Score,
                guideAccuracy: Score,
                convenience: Score,
                usability: Score,
              },
              { additionalProperties: false },
            ),
            comment: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await ev.rate(platform, requestCtx(req), req.params.id, req.body)),
  );
  app.get(
    '/cases/:id/rating',
    { schema: { tags, summary: 'The rating of a case (null when none) and whether the caller may rate', params: Id } },
    (req) => ev.getRating(platform, requestCtx(req), req.params.id),
  );
  app.get(
    '/evaluations/rectifications',
    {
      schema: {
        tags,
        summary: 'Rectification tasks within the caller’s scopes, open first, nearest deadline first',
        querystring: Type.Object({
          state: Type.Optional(Type.Union(ev.RECTIFY_STATES.map((s) => Type.Literal(s)))),
          overdue: Type.Optional(Type.Boolean()),
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
          ...Page,
        }),
      },
    },
    (req) => ev.listRectifications(platform, requestCtx(req), req.query),
  );
  app.get(
    '/evaluations/rectifications/:id',
    { schema: { tags, summary: 'One rectification task with its rating, history and allowed actions', params: Id } },
    (req) => ev.getRectification(platform, requestCtx(req), req.params.id),
  );
  app.post(
    '/evaluations/rectifications/:id/actions',
    {
      schema: {
        tags,
        summary: 'A step of the rectification loop',
        params: Id,
        body: Type.Object(
          {
            action: Type.Union(ev.RECTIFY_ACTIONS.map((a) => Type.Literal(a))),
            expectedVersion: Type.Integer({ minimum: 1 }),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
            kind: Type.Optional(Type.Union(ev.RECTIFY_KINDS.map((k) => Type.Literal(k)))),
            measures: Type.Optional(Type.String({ maxLength: 2000 })),
            ledgerDueDay: Type.Optional(Day),
            satisfied: Type.Optional(Type.Boolean()),
            comment: Type.Optional(Type.String({ maxLength: 500 })),
            method: Type.Optional(Type.Union(ev.VISIT_METHODS.map((m) => Type.Literal(m)))),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => ev.actOnRectification(platform, requestCtx(req), req.params.id, req.body),
  );
  app.get(
    '/evaluations/stats',
    {
      schema: {
        tags,
        summary: 'Ratings per level, satisfaction rate and average indicators, overall and per department',
        querystring: Type.Object({
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
          from: Type.Optional(Day),
          to: Type.Optional(Day),
        }),
      },
    },
    (req) => ev.evaluationStats(platform, requestCtx(req), req.query),
  );
}
