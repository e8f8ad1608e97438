/** HTTP surface of the catalog module, mounted under /api/v1/catalog. Each route calls one service function. */
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { followItemChanges } from './published.ts';
import { BasicBody, CreateBody, TaskCode, UpdateBody } from './schemas.ts';
import * as svc from './service.ts';
import { exportCatalog, importCatalog } from './transfer.ts';
import type { ItemInput } from './types.ts';

const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};
const ListQuery = Type.Object({
  regionCode: Type.Optional(Type.String({ maxLength: 12 })),
  departmentId: Type.Optional(Type.String({ maxLength: 64 })),
  taskType: Type.Optional(Type.String({ maxLength: 4 })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export async function routes(scope: FastifyInstance, platform: Platform): Promise<void> {
  // multipart/form-data for the import upload (this plugin's scope only)
  await scope.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5 } });
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['catalog'];
  // Other processes' publications and cancellations drop this process's cached items.
  followItemChanges(platform);

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
          ...Paging,
        }),
      },
    },
    (req) => svc.searchItems(platform, req.query),
  );
  app.get('/items/:taskCode', { schema: { tags, summary: 'The guide of an item', params: TaskCode } }, (req) =>
    svc.getGuide(platform, req.params.taskCode),
  );
  app.get('/themes', { schema: { tags, summary: 'Themes with their item counts' } }, () => svc.listThemes(platform));
  app.get(
    '/departments',
    { schema: { tags, summary: 'Departments implementing published items, with their item counts' } },
    () => svc.listItemDepartments(platform),
  );
  app.get(
    '/power-list',
    {
      schema: {
        tags,
        summary: '权力清单: published items of an administrative power type (01–10)',
        querystring: ListQuery,
      },
    },
    (req) => svc.powerList(platform, req.query),
  );
  app.get(
    '/responsibility-list',
    {
      schema: {
        tags,
        summary: '责任清单: duties by link (受理/审查/决定/送达), legal and accountability basis of each power item',
        querystring: ListQuery,
      },
    },
    (req) => svc.responsibilityList(platform, req.query),
  );

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
  app.get(
    '/items/:taskCode/versions',
    { schema: { tags, summary: 'Every version of an item with its dates, newest first', params: TaskCode } },
    (req) => svc.listVersions(platform, requestCtx(req), req.params.taskCode),
  );
  app.get(
    '/items/:taskCode/versions/:version',
    {
      schema: {
        tags,
        summary: 'One version of an item in any state',
        params: Type.Object({
          taskCode: Type.String({ maxLength: 64 }),
          version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        }),
      },
    },
    (req) => svc.getVersion(platform, requestCtx(req), req.params.taskCode, req.params.version),
  );
  app.get(
    '/admin/items',
    {
      schema: {
        tags,
        summary: 'Newest version of every item in any state (administration)',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
          status: Type.Optional(
            Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('cancelled')]),
          ),
          ...Paging,
        }),
      },
    },
    (req) => svc.adminSearchItems(platform, requestCtx(req), req.query),
  );
  app.get('/admin/options', { schema: { tags, summary: 'Roles and departments the item editor offers' } }, (req) =>
    svc.adminOptions(platform, requestCtx(req)),
  );
  app.get(
    '/basic-items',
    {
      schema: {
        tags,
        summary: 'The basic catalog (基本目录) with the number of implementations of each entry',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), ...Paging }),
      },
    },
    (req) => svc.listBasicItems(platform, requestCtx(req), req.query),
  );
  app.put(
    '/basic-items/:catalogCode',
    {
      schema: {
        tags,
        summary: 'Create or correct a basic-catalog entry',
        params: Type.Object({ catalogCode: Type.String({ maxLength: 32 }) }),
        body: BasicBody,
      },
    },
    (req) => svc.saveBasicItem(platform, requestCtx(req), req.params.catalogCode, req.body),
  );
  app.get(
    '/export',
    {
      schema: {
        tags,
        summary: 'Export the published catalog as XLSX (sheets keyed by 实施编码) or JSON (ItemInput objects)',
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('json')])),
        }),
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'xlsx';
      const out = await exportCatalog(platform, requestCtx(req), format);
      const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      return reply
        .type(out.contentType)
        .header('content-disposition', `attachment; filename="catalog-${day}.${format}"`)
        .send(out.body);
    },
  );
  app.post(
    '/import',
    { schema: { tags, summary: 'Import an XLSX or JSON file (multipart field "file"); all or nothing' } },
    async (req) => {
      const ctx = requestCtx(req);
      svc.requireSomeManageGrant(ctx);
      if (!req.isMultipart())
        throw badRequest(
          'FILE_REQUIRED',
          '请以 multipart 表单上传文件',
          'Upload the file as multipart/form-data',
          'file',
        );
      const part = await req.file();
      if (!part) throw badRequest('FILE_REQUIRED', '请选择要导入的文件', 'Choose a file to import', 'file');
      let content: Buffer;
      try {
        content = await part.toBuffer();
      } catch {
        throw badRequest('FILE_TOO_LARGE', '文件超过 10 MB', 'The file is larger than 10 MB', 'file');
      }
      return importCatalog(platform, ctx, { filename: part.filename ?? '', content });
    },
  );
}
