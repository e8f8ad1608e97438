/** HTTP surface of the cases module, mounted under /api/v1/cases. Each route calls one service function. */

import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, type Platform, requestCtx, systemCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as files from './files.ts';
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
  platform.jobs.register(svc.DEADLINE_QUEUE, async (job) => {
    await svc.deadlineReached(platform, systemCtx(`job:${job.id}`), job.payload as any);
  });
  platform.jobs.register(svc.TOLERATED_QUEUE, async (job) => {
    await svc.toleratedDue(platform, systemCtx(`job:${job.id}`), job.payload as any);
  });

  const MaterialInput = Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      fulfilment: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
      fileIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
      commitment: Type.Optional(Type.Boolean()),
      ref: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  );
  const Materials = Type.Array(MaterialInput, { maxItems: 100 });
  const FormData = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown());

  // ----- material files -----
  await scope.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1, fields: 10 } });
  app.post(
    '/files',
    {
      schema: {
        tags,
        summary: 'Upload a material file (multipart field "file"; optional taskCode, material)',
        consumes: ['multipart/form-data'],
      },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw badRequest('FILE_MISSING', '请选择文件', 'Send the file as multipart/form-data', 'file');
      const part = await req.file();
      if (!part) throw badRequest('FILE_MISSING', '请选择文件', 'No file in the request', 'file');
      const content = await part.toBuffer().catch((e: any) => {
        if (e?.code === 'FST_REQ_FILE_TOO_LARGE') return null;
        throw e;
      });
      const field = (n: string) => {
        const f = part.fields[n] as any;
        return f && !Array.isArray(f) && typeof f.value === 'string' ? (f.value as string) : undefined;
      };
      const meta = await files.upload(platform, requestCtx(req), {
        name: part.filename,
        content: content ?? Buffer.alloc(0),
        truncated: content === null || part.file.truncated,
        taskCode: field('taskCode'),
        material: field('material'),
      });
      return reply.status(201).send(meta);
    },
  );
  app.get('/files/:id', { schema: { tags, summary: 'A material file', params: Id } }, async (req, reply) => {
    const f = await svc.readFile(platform, requestCtx(req), req.params.id);
    return reply
      .header('content-type', f.mime)
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(f.name)}`)
      .header('cache-control', 'private, no-store')
      .send(f.content);
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
            formData: FormData,
            materials: Type.Optional(Materials),
            submit: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.apply(platform, requestCtx(req), req.body as any)),
  );
  const StateQ = Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s))));
  // 待办 (open), 已结束 (terminal) or all (the default when absent).
  const ViewQ = Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')]));
  app.get(
    '/mine',
    { schema: { tags, summary: "The caller's own cases", querystring: Type.Object({ state: StateQ, ...Page }) } },
    (req) => svc.mine(platform, requestCtx(req), req.query),
  );
  app.get(
    '/inbox',
    {
      schema: {
        tags,
        summary: 'Cases of the departments the staff member handles, nearest deadline first',
        querystring: Type.Object({
          view: ViewQ,
          state: StateQ,
          q: Type.Optional(Type.String({ maxLength: 100 })),
          deadline: Type.Optional(
            Type.Union([Type.Literal('normal'), Type.Literal('warning'), Type.Literal('overdue')]),
          ),
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
          ...Page,
        }),
      },
    },
    (req) => svc.inbox(platform, requestCtx(req), req.query),
  );
  app.get(
    '/inbox/counts',
    {
      schema: {
        tags,
        summary: 'How many inbox cases are overdue, in warning (≥ 80 % of the limit used) and normal',
        querystring: Type.Object({
          view: ViewQ,
          state: StateQ,
          q: Type.Optional(Type.String({ maxLength: 100 })),
          departmentId: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      },
    },
    (req) => svc.inboxCounts(platform, requestCtx(req), req.query),
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
  app.put(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Change a draft (form data, materials)',
        params: Id,
        body: Type.Object(
          {
            formData: Type.Optional(FormData),
            materials: Type.Optional(Materials),
            expectedVersion: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.updateDraft(platform, requestCtx(req), req.params.id, req.body as any),
  );
  app.post(
    '/:id/unmask',
    { schema: { tags, summary: 'Applicant data in clear (permission cases.unmask; audited)', params: Id } },
    (req) => svc.unmask(platform, requestCtx(req), req.params.id),
  );
  app.get('/departments', { schema: { tags, summary: 'Departments a case may be sent to for countersign' } }, (req) =>
    svc.countersignDepartmentList(platform, requestCtx(req)),
  );
  app.get(
    '/:id/item',
    {
      schema: {
        tags,
        summary: 'Form schema, materials and steps of the item version the case was filed under',
        params: Id,
      },
    },
    (req) => svc.caseItem(platform, requestCtx(req), req.params.id),
  );
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
            supplementItems: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    material: Type.String({ minLength: 1, maxLength: 200 }),
                    note: Type.Optional(Type.String({ maxLength: 500 })),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 100 },
              ),
            ),
            materials: Type.Optional(Materials),
            formData: Type.Optional(FormData),
            tolerated: Type.Optional(
              Type.Array(
                Type.Object(
                  { material: Type.String({ minLength: 1, maxLength: 200 }), dueDay: Type.String({ maxLength: 10 }) },
                  { additionalProperties: false },
                ),
                { maxItems: 100 },
              ),
            ),
            procedure: Type.Optional(
              Type.Object({ type: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
            ),
            extendDays: Type.Optional(Type.Integer()),
            opinion: Type.Optional(Type.Union([Type.Literal('agree'), Type.Literal('disagree')])),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            departments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 30 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => svc.act(platform, requestCtx(req), req.params.id, req.body),
  );
}
