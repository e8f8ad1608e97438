/** HTTP surface of bundles (一件事一次办), mounted under /api/v1/bundles. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as svc from './bundles.ts';

const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export async function bundleRoutes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['bundles'];

  app.get('/', { schema: { tags, summary: 'Bundles (一件事一次办) with their member items' } }, () =>
    svc.listBundles(platform),
  );
  app.get('/cases/mine', { schema: { tags, summary: "The caller's bundle cases" } }, (req) =>
    svc.myBundleCases(platform, requestCtx(req)),
  );
  app.get(
    '/cases/:id',
    { schema: { tags, summary: 'A bundle case, its child cases and one combined timeline', params: Id } },
    (req) => svc.getBundleCase(platform, requestCtx(req), req.params.id),
  );
  app.post(
    '/cases/:id/withdraw',
    {
      schema: {
        tags,
        summary: 'Withdraw a bundle case (every undecided child is voided)',
        params: Id,
        body: Type.Object({ expectedVersion: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      },
    },
    (req) => svc.withdrawBundle(platform, requestCtx(req), req.params.id, req.body.expectedVersion),
  );
  app.post(
    '/track',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Public tracking of a bundle case with serial number and query password',
        body: Type.Object(
          {
            serialNo: Type.String({ minLength: 1, maxLength: 32 }),
            password: Type.String({ minLength: 1, maxLength: 16 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.trackBundle(platform, req.body),
  );
  app.get(
    '/:code',
    {
      schema: {
        tags,
        summary: 'The guide of a bundle: scenarios, members, one form, one set of materials',
        params: Code,
      },
    },
    (req) => svc.getBundle(platform, req.params.code),
  );
  app.post(
    '/:code/apply',
    {
      schema: {
        tags,
        summary: 'Apply for a bundle: one form and one set of materials; spawns the child cases',
        params: Code,
        body: Type.Object(
          {
            answers: Type.Record(Type.String({ maxLength: 64 }), Type.Boolean()),
            formData: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown()),
            materials: Type.Array(
              Type.Object(
                {
                  name: Type.String({ minLength: 1, maxLength: 200 }),
                  fulfilment: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
                  fileIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
                  commitment: Type.Optional(Type.Boolean()),
                },
                { additionalProperties: false },
              ),
              { maxItems: 100 },
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await svc.applyBundle(platform, requestCtx(req), req.params.code, req.body)),
  );
}
