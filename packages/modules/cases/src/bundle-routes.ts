/** HTTP surface of bundles (一件事一次办), mounted under /api/v1/bundles. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as svc from './bundles.ts';

const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Text = (maxLength: number) => Type.String({ maxLength });
const TaskCode = Type.String({ minLength: 1, maxLength: 40 });
const Definition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.Null(), Text(2000)])),
    theme: Type.String({ minLength: 1, maxLength: 50 }),
    leadDepartmentId: Type.String({ minLength: 1, maxLength: 64 }),
    applicantTypes: Type.Array(Type.Union([Type.Literal('person'), Type.Literal('enterprise')]), {
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
    }),
    scenarios: Type.Array(
      Type.Object({ id: Text(64), question: Text(200), questionEn: Text(400) }, { additionalProperties: false }),
      { maxItems: 20 },
    ),
    members: Type.Array(
      Type.Object(
        {
          taskCode: TaskCode,
          condition: Type.Optional(
            Type.Union([
              Type.Null(),
              Type.Object({ scenario: Text(64), equals: Type.Boolean() }, { additionalProperties: false }),
            ]),
          ),
          dependsOn: Type.Optional(Type.Array(TaskCode, { maxItems: 20 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    form: Type.Array(
      Type.Object(
        {
          id: Text(64),
          title: Text(100),
          titleEn: Text(200),
          type: Type.Literal('string'),
          format: Type.Optional(Text(32)),
          required: Type.Boolean(),
          mapsTo: Type.Array(Type.Object({ taskCode: TaskCode, field: Text(100) }, { additionalProperties: false }), {
            maxItems: 20,
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    materials: Type.Array(
      Type.Object(
        {
          code: Text(64),
          name: Text(100),
          fulfilment: Type.Union([Type.Literal('UPLOAD'), Type.Literal('COMMITMENT'), Type.Literal('RESULT')]),
          producedBy: Type.Optional(Type.Union([Type.Null(), TaskCode])),
          satisfies: Type.Array(
            Type.Object({ taskCode: TaskCode, material: Text(200) }, { additionalProperties: false }),
            { maxItems: 20 },
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    jointDeadlineDays: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { additionalProperties: false },
);

export async function bundleRoutes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['bundles'];

  app.get('/', { schema: { tags, summary: 'Bundles (一件事一次办) with their member items' } }, () =>
    svc.listBundles(platform),
  );
  // Administration (catalog.manage without scope): every status, the whole definition.
  app.get(
    '/admin/definitions',
    { schema: { tags, summary: 'Every bundle definition, whatever its status (administration)' } },
    (req) => svc.listBundleDefinitions(platform, requestCtx(req)),
  );
  app.get(
    '/admin/definitions/:code',
    { schema: { tags, summary: 'One bundle definition (administration)', params: Code } },
    (req) => svc.getBundleDefinition(platform, requestCtx(req), req.params.code),
  );
  app.put(
    '/admin/definitions/:code',
    {
      schema: {
        tags,
        summary:
          'Create a bundle (as a draft) or replace its definition; checked against the catalog. `create=true`: only create (409 BUNDLE_EXISTS if the code is taken)',
        params: Code,
        querystring: Type.Object({ create: Type.Optional(Type.Boolean()) }),
        body: Definition,
      },
    },
    (req) =>
      svc.saveBundle(
        platform,
        requestCtx(req),
        { ...req.body, code: req.params.code },
        { createOnly: !!req.query.create },
      ),
  );
  app.post(
    '/admin/definitions/:code/publish',
    { schema: { tags, summary: 'Publish a bundle on the portal', params: Code } },
    (req) => svc.setBundleStatus(platform, requestCtx(req), req.params.code, 'published'),
  );
  app.post(
    '/admin/definitions/:code/withdraw',
    { schema: { tags, summary: 'Withdraw a bundle from the portal (filed cases run on)', params: Code } },
    (req) => svc.setBundleStatus(platform, requestCtx(req), req.params.code, 'withdrawn'),
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
