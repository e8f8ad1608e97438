/** HTTP surface of the cases module, mounted under /api/v1/cases. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx, systemCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as svc from './service.ts';
import { ACTIONS, STATES } from './workflow.ts';

const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
};
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export async function routes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['cases'];

  platform.jobs.register(svc.AUTO_ACCEPT_QUEUE, async (job) => {
    await svc.autoAccept(platform, systemCtx(`job:${job.id}`), String(job.payload.caseId));
  });

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Apply for a service item (DRAFT, or SUBMITTED with submit: true)',
        body: Type.Object(
          {
            taskCode: Type.String({ minLength: 1, maxLength: 64 }),
            formData: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown()),
            materials: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    name: Type.String({ minLength: 1, maxLength: 200 }),
                    ref: Type.Optional(Type.String({ maxLength: 200 })),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 100 },
              ),
            ),
            submit: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.apply(platform, requestCtx(req), req.body as any)),
  );
  app.get('/mine', { schema: { tags, summary: "The caller's own cases", querystring: Type.Object(Page) } }, (req) =>
    svc.mine(platform, requestCtx(req), req.query),
  );
  app.get(
    '/inbox',
    {
      schema: {
        tags,
        summary: 'Cases of the departments the staff member handles, nearest deadline first',
        querystring: Type.Object({ state: Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s)))), ...Page }),
      },
    },
    (req) => svc.inbox(platform, requestCtx(req), req.query),
  );
  app.post(
    '/track',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Public tracking with serial number and query password',
        body: Type.Object(
          {
            serialNo: Type.String({ minLength: 1, maxLength: 32 }),
            password: Type.String({ minLength: 1, maxLength: 16 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.track(platform, req.body),
  );
  app.get('/:id', { schema: { tags, params: Id } }, (req) => svc.get(platform, requestCtx(req), req.params.id));
  app.get('/:id/timeline', { schema: { tags, params: Id } }, (req) =>
    svc.timeline(platform, requestCtx(req), req.params.id),
  );
  app.post(
    '/:id/actions',
    {
      schema: {
        tags,
        summary: 'Apply a transition of the state machine',
        params: Id,
        body: Type.Object(
          {
            action: Type.Union(ACTIONS.map((a) => Type.Literal(a))),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
            expectedVersion: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.act(platform, requestCtx(req), req.params.id, req.body),
  );
}
