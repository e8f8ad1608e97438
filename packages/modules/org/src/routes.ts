/** HTTP surface of the org module, mounted under /api/v1/org. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as svc from './service.ts';

const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const NullableStr = (max = 200) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);
const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
};
const ImportBody = Type.Object(
  { filename: Str(255), contentBase64: Type.String({ minLength: 1, maxLength: 14_000_000 }) },
  { additionalProperties: false },
);
const Code = Type.Object({ code: Type.String({ maxLength: 32 }) });
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

export async function routes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['org'];

  // ----- site: the division this deployment serves -----
  app.get(
    '/site',
    { schema: { tags, summary: 'The division this platform serves (public: the portal names its city)' } },
    () => svc.getSite(platform),
  );
  app.put(
    '/site',
    {
      schema: {
        tags,
        summary: 'Set the division this platform serves (platform administrators)',
        body: Type.Object(
          { divisionCode: Type.String({ minLength: 6, maxLength: 12 }) },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.setSite(platform, requestCtx(req), req.body),
  );

  // ----- divisions -----
  app.get(
    '/divisions',
    {
      schema: {
        tags,
        summary: 'Child divisions (roots without parent)',
        querystring: Type.Object({ parent: Type.Optional(Type.String({ maxLength: 12 })) }),
      },
    },
    (req) => svc.listDivisions(platform, requestCtx(req), req.query.parent || undefined),
  );
  app.get('/divisions/:code', { schema: { tags, params: Code } }, (req) =>
    svc.getDivision(platform, requestCtx(req), req.params.code),
  );
  app.post(
    '/divisions',
    {
      schema: {
        tags,
        body: Type.Object({ code: Type.String({ maxLength: 32 }), name: Str(100) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createDivision(platform, requestCtx(req), req.body)),
  );
  app.patch(
    '/divisions/:code',
    { schema: { tags, params: Code, body: Type.Object({ name: Str(100) }, { additionalProperties: false }) } },
    (req) => svc.renameDivision(platform, requestCtx(req), req.params.code, req.body),
  );
  app.delete('/divisions/:code', { schema: { tags, params: Code } }, async (req, reply) => {
    await svc.deleteDivision(platform, requestCtx(req), req.params.code);
    return reply.status(204).send();
  });

  // ----- grids -----
  app.get(
    '/grids',
    {
      schema: {
        tags,
        querystring: Type.Object({
          divisionCode: Type.Optional(Type.String({ maxLength: 12 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          ...Page,
        }),
      },
    },
    (req) => svc.listGrids(platform, requestCtx(req), req.query),
  );
  app.get(
    '/grids/locate',
    {
      schema: {
        tags,
        summary: 'The grid containing a point (WGS84)',
        querystring: Type.Object({
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
        }),
      },
    },
    (req) => svc.locate(platform, requestCtx(req), req.query.lng, req.query.lat),
  );
  app.post(
    '/grids',
    {
      schema: {
        tags,
        body: Type.Object(
          { code: Type.String({ maxLength: 32 }), name: Str(100), polygon: Type.Unknown() },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createGrid(platform, requestCtx(req), req.body)),
  );
  app.patch(
    '/grids/:code',
    {
      schema: {
        tags,
        params: Code,
        body: Type.Object(
          {
            name: Type.Optional(Str(100)),
            polygon: Type.Optional(Type.Unknown()),
            workerStaffId: Type.Optional(NullableStr(64)),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.updateGrid(platform, requestCtx(req), req.params.code, req.body),
  );
  app.delete('/grids/:code', { schema: { tags, params: Code } }, async (req, reply) => {
    await svc.deleteGrid(platform, requestCtx(req), req.params.code);
    return reply.status(204).send();
  });

  // ----- departments -----
  const DepartmentFields = {
    name: Str(100),
    shortName: Type.Optional(NullableStr(50)),
    creditCode: Type.String({ maxLength: 32 }),
    regionCode: Type.String({ maxLength: 12 }),
    parentId: Type.Optional(NullableStr(64)),
    kind: Str(32),
  };
  app.get(
    '/departments',
    {
      schema: {
        tags,
        querystring: Type.Object({
          regionCode: Type.Optional(Type.String({ maxLength: 12 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    (req) => svc.listDepartments(platform, requestCtx(req), req.query),
  );
  app.post(
    '/departments',
    { schema: { tags, body: Type.Object(DepartmentFields, { additionalProperties: false }) } },
    async (req, reply) => reply.status(201).send(await svc.createDepartment(platform, requestCtx(req), req.body)),
  );
  app.patch(
    '/departments/:id',
    {
      schema: { tags, params: Id, body: Type.Partial(Type.Object(DepartmentFields), { additionalProperties: false }) },
    },
    (req) => svc.updateDepartment(platform, requestCtx(req), req.params.id, req.body as any),
  );
  app.delete('/departments/:id', { schema: { tags, params: Id } }, async (req, reply) => {
    await svc.deleteDepartment(platform, requestCtx(req), req.params.id);
    return reply.status(204).send();
  });

  // ----- staff -----
  app.get(
    '/staff',
    {
      schema: {
        tags,
        querystring: Type.Object({
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
          regionCode: Type.Optional(Type.String({ maxLength: 12 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          ...Page,
        }),
      },
    },
    (req) => svc.listStaff(platform, requestCtx(req), req.query),
  );
  app.post(
    '/staff',
    {
      schema: {
        tags,
        body: Type.Object(
          {
            username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
            name: Str(100),
            password: Type.String({ minLength: 1, maxLength: 200 }),
            departmentId: Str(64),
            regionCode: Type.Optional(NullableStr(12)),
            title: Type.Optional(NullableStr(100)),
            phone: Type.Optional(NullableStr(32)),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createStaff(platform, requestCtx(req), req.body)),
  );
  app.patch(
    '/staff/:id',
    {
      schema: {
        tags,
        params: Id,
        body: Type.Object(
          {
            name: Type.Optional(Str(100)),
            title: Type.Optional(NullableStr(100)),
            active: Type.Optional(Type.Boolean()),
            departmentId: Type.Optional(Str(64)),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.updateStaff(platform, requestCtx(req), req.params.id, req.body),
  );
  app.post(
    '/staff/:id/grants',
    {
      schema: {
        tags,
        params: Id,
        body: Type.Object(
          { roleId: Str(64), regionCode: Type.Optional(NullableStr(12)), departmentId: Type.Optional(NullableStr(64)) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await svc.grantRole(platform, requestCtx(req), req.params.id, req.body)),
  );
  app.delete(
    '/staff/:id/grants/:grantId',
    {
      schema: {
        tags,
        params: Type.Object({ id: Type.String({ maxLength: 64 }), grantId: Type.String({ maxLength: 64 }) }),
      },
    },
    async (req, reply) => {
      await svc.revokeRole(platform, requestCtx(req), req.params.id, req.params.grantId);
      return reply.status(204).send();
    },
  );

  // ----- roles -----
  app.get('/roles', { schema: { tags } }, (req) => svc.listRoles(platform, requestCtx(req)));
  app.post(
    '/roles',
    {
      schema: {
        tags,
        body: Type.Object(
          {
            code: Type.String({ maxLength: 64 }),
            name: Str(100),
            nameEn: Type.Optional(NullableStr(100)),
            permissions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 }),
            isAdmin: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createRole(platform, requestCtx(req), req.body)),
  );
  app.patch(
    '/roles/:id',
    {
      schema: {
        tags,
        params: Id,
        body: Type.Object(
          {
            name: Type.Optional(Str(100)),
            nameEn: Type.Optional(NullableStr(100)),
            permissions: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
            isAdmin: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.updateRole(platform, requestCtx(req), req.params.id, req.body),
  );

  // ----- import -----
  app.post('/import/divisions', { schema: { tags, body: ImportBody } }, (req) =>
    svc.importDivisions(platform, requestCtx(req), req.body),
  );
  app.post('/import/departments', { schema: { tags, body: ImportBody } }, (req) =>
    svc.importDepartments(platform, requestCtx(req), req.body),
  );
}
