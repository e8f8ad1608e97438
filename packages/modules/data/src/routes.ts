/** HTTP surface of the data module, mounted under /api/v1/data. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as catalog from './catalog.ts';
import { CreateResource, Id, LevelBody, ResourceQuery, UpdateResource } from './schemas.ts';
import type { ResourceInput } from './types.ts';

export async function routes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['data'];

  // ----- catalog -----
  app.get('/levels', { schema: { tags, summary: 'Sensitivity level table and masking rules' } }, async (req) => {
    catalog.requireStaff(requestCtx(req));
    return { levels: await catalog.listLevels(platform.db), maskRules: await catalog.listMaskRules(platform.db) };
  });
  app.put(
    '/levels/:code',
    {
      schema: {
        tags,
        summary: 'Add or change a sensitivity level (platform-wide)',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 16 }) }),
        body: LevelBody,
      },
    },
    (req) => catalog.putLevel(platform, requestCtx(req), { code: req.params.code, ...req.body }),
  );
  app.get('/resources', { schema: { tags, summary: 'Search the data catalog', querystring: ResourceQuery } }, (req) =>
    catalog.searchResources(platform, requestCtx(req), req.query),
  );
  app.post(
    '/resources',
    { schema: { tags, summary: 'Register a data resource', body: CreateResource } },
    async (req, reply) =>
      reply.status(201).send(await catalog.createResource(platform, requestCtx(req), req.body as ResourceInput)),
  );
  app.get('/resources/:id', { schema: { tags, summary: 'A data resource with its fields', params: Id } }, (req) =>
    catalog.getResource(platform, requestCtx(req), req.params.id),
  );
  app.put(
    '/resources/:id',
    { schema: { tags, summary: 'Change a data resource', params: Id, body: UpdateResource } },
    (req) => catalog.updateResource(platform, requestCtx(req), req.params.id, req.body as any),
  );
  app.post('/resources/:id/retire', { schema: { tags, summary: 'Retire a data resource', params: Id } }, (req) =>
    catalog.retireResource(platform, requestCtx(req), req.params.id),
  );
}
