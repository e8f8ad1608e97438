/** HTTP surface of the catalog module, mounted under /api/v1/catalog. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as svc from './service.ts';
import type { ItemInput } from './types.ts';

const Text = (max = 4000) => Type.String({ maxLength: max });
const NullableText = (max = 4000) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const Int = Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 });

const Material = Type.Object(
  {
    name: Text(200),
    type: Text(20),
    required: Type.Boolean(),
    copies: Type.Integer({ minimum: 0, maximum: 100 }),
    fulfilment: Text(40),
    format: NullableText(100),
    maxSizeMb: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1024 }), Type.Null()])),
    acceptanceStandard: NullableText(1000),
  },
  { additionalProperties: false },
);
const Step = Type.Object(
  { name: Text(200), days: Type.Integer({ minimum: 0, maximum: 10000 }), unit: Int },
  { additionalProperties: false },
);
const Fee = Type.Object(
  {
    isFee: Type.Boolean(),
    basis: NullableText(1000),
    items: Type.Array(
      Type.Object({ name: Text(200), standard: Text(500), basis: NullableText(1000) }, { additionalProperties: false }),
      { maxItems: 50 },
    ),
    waiver: NullableText(1000),
  },
  { additionalProperties: false },
);

const ItemFields = {
  catalogCode: Text(32),
  parentCatalogCode: NullableText(32),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  taskType: Text(4),
  useLevel: Text(2),
  departmentId: Type.String({ minLength: 1, maxLength: 64 }),
  projectType: Int,
  statutoryLimit: Int,
  statutoryUnit: Int,
  promisedLimit: Int,
  promisedUnit: Int,
  visitsRequired: Int,
  isOnline: Type.Boolean(),
  onlineDepth: Type.Optional(Type.Array(Int, { maxItems: 7 })),
  serviceObject: Type.Array(Text(20), { maxItems: 2 }),
  conditions: NullableText(),
  legalBasis: NullableText(),
  address: NullableText(500),
  officeHours: NullableText(500),
  contact: NullableText(500),
  fee: Type.Optional(Fee),
  themes: Type.Optional(Type.Array(Text(50), { maxItems: 20 })),
  formSchema: Type.Optional(Type.Object({}, { additionalProperties: true })),
  materials: Type.Array(Material, { maxItems: 100 }),
  steps: Type.Optional(Type.Array(Step, { maxItems: 30 })),
  results: Type.Optional(
    Type.Array(Type.Object({ name: Text(200), type: Text(50) }, { additionalProperties: false }), { maxItems: 20 }),
  ),
  faqs: Type.Optional(
    Type.Array(Type.Object({ q: Text(500), a: Text(2000) }, { additionalProperties: false }), { maxItems: 50 }),
  ),
};
const CreateBody = Type.Object({ taskCode: Text(64), ...ItemFields }, { additionalProperties: false });
const UpdateBody = Type.Object({ taskCode: Type.Optional(Text(64)), ...ItemFields }, { additionalProperties: false });
const TaskCode = Type.Object({ taskCode: Type.String({ maxLength: 64 }) });

export async function routes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['catalog'];

  // ----- public (no sign-in) -----
  app.get(
    '/items',
    {
      schema: {
        tags,
        summary: 'Search published service items (keyword, pinyin, initials), latest version of each',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
          theme: Type.Optional(Type.String({ maxLength: 50 })),
          serviceObject: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('enterprise')])),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
      },
    },
    (req) => svc.searchItems(platform, req.query),
  );
  app.get('/items/:taskCode', { schema: { tags, summary: 'The guide of an item', params: TaskCode } }, (req) =>
    svc.getGuide(platform, req.params.taskCode),
  );
  app.get('/themes', { schema: { tags, summary: 'Themes with their item counts' } }, () => svc.listThemes(platform));

  // ----- administration (catalog.manage) -----
  app.post('/items', { schema: { tags, body: CreateBody } }, async (req, reply) =>
    reply
      .status(201)
      .send(await svc.createItem(platform, requestCtx(req), req.body as ItemInput & { taskCode: string })),
  );
  app.put('/items/:taskCode', { schema: { tags, params: TaskCode, body: UpdateBody } }, (req) =>
    svc.updateItem(platform, requestCtx(req), req.params.taskCode, req.body as ItemInput),
  );
  app.post('/items/:taskCode/cancel', { schema: { tags, params: TaskCode } }, (req) =>
    svc.cancelItem(platform, requestCtx(req), req.params.taskCode),
  );
}
