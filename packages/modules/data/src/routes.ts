/** HTTP surface of the data module, mounted under /api/v1/data. Each route calls one service function. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, type Platform, requestCtx, systemCtx } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import * as catalog from './catalog.ts';
import * as connectors from './connectors.ts';
import * as gw from './gateway.ts';
import * as noProof from './no-proof.ts';
import * as quality from './quality.ts';
import {
  ConnectorBody,
  CreateResource,
  DecisionBody,
  Id,
  LevelBody,
  MaskRuleBody,
  Paging,
  RequestBody,
  RequestQuery,
  ResourceQuery,
  ReviewBody,
  RevokeBody,
  SettingsBody,
  SyncBody,
  UpdateResource,
  UploadBody,
} from './schemas.ts';
import * as sharing from './sharing.ts';
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
  app.put(
    '/mask-rules/:code',
    {
      schema: {
        tags,
        summary: 'Add or change a masking rule (GB/T 37964 technique) of the masking policy table',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }),
        body: MaskRuleBody,
      },
    },
    (req) => catalog.putMaskRule(platform, requestCtx(req), { code: req.params.code, ...req.body }),
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

  // ----- connectors and sync runs -----
  platform.jobs.register(connectors.SYNC_QUEUE, async (job) => {
    await connectors.scheduledSync(platform, systemCtx(`job:${job.id}`), job.payload as any);
  });
  app.get('/resources/:id/connectors', { schema: { tags, summary: 'Connectors of a resource', params: Id } }, (req) =>
    connectors.listConnectors(platform, requestCtx(req), req.params.id),
  );
  app.post(
    '/resources/:id/connectors',
    {
      schema: {
        tags,
        summary: 'Connect a resource to a source (credentials sealed at rest)',
        params: Id,
        body: ConnectorBody,
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await connectors.createConnector(platform, requestCtx(req), req.params.id, req.body as any)),
  );
  app.put(
    '/connectors/:id',
    { schema: { tags, summary: 'Change a connector', params: Id, body: ConnectorBody } },
    (req) => connectors.updateConnector(platform, requestCtx(req), req.params.id, req.body as any),
  );
  app.post(
    '/connectors/:id/sync',
    { schema: { tags, summary: 'Run a sync now (full or incremental)', params: Id, body: SyncBody } },
    (req) => connectors.runSync(platform, requestCtx(req), req.params.id, { trigger: 'manual', mode: req.body?.mode }),
  );
  app.post(
    '/connectors/:id/upload',
    { schema: { tags, summary: 'Sync an uploaded CSV or XLSX file (base64)', params: Id, body: UploadBody } },
    (req) => {
      const content = Buffer.from(req.body.contentBase64, 'base64');
      if (!content.length) throw badRequest('FILE_EMPTY', '文件为空', 'The file is empty', 'contentBase64');
      return connectors.runSync(platform, requestCtx(req), req.params.id, {
        trigger: 'upload',
        mode: req.body.mode,
        upload: content,
      });
    },
  );
  app.get(
    '/connectors/:id/runs',
    {
      schema: { tags, summary: 'Sync runs of a connector, newest first', params: Id, querystring: Type.Object(Paging) },
    },
    (req) => connectors.listRuns(platform, requestCtx(req), req.params.id, req.query),
  );
  app.get(
    '/resources/:id/stats',
    { schema: { tags, summary: 'Rows held and the last sync of a resource', params: Id } },
    (req) => connectors.resourceStats(platform, requestCtx(req), req.params.id),
  );

  // ----- quality -----
  app.get(
    '/resources/:id/quality',
    { schema: { tags, summary: 'Quality report: completeness, formats, duplicates, freshness', params: Id } },
    (req) => quality.qualityReport(platform, requestCtx(req), req.params.id),
  );
  app.get(
    '/quality/one-source',
    { schema: { tags, summary: '一数一源: data elements and their authoritative source' } },
    (req) => quality.oneSourceReport(platform, requestCtx(req)),
  );

  // ----- sharing requests (供需对接) -----
  platform.jobs.register(sharing.REMIND_QUEUE, async (job) => sharing.remind(platform, job.payload as any));
  platform.jobs.register(sharing.REVIEW_QUEUE, async (job) => sharing.reviewDue(platform, job.payload as any));
  app.get('/settings', { schema: { tags, summary: 'Deadlines of the request flow (working days)' } }, (req) => {
    catalog.requireStaff(requestCtx(req));
    return sharing.getSettings(platform.db);
  });
  app.put(
    '/settings',
    { schema: { tags, summary: 'Change the deadlines of the request flow', body: SettingsBody } },
    (req) => sharing.putSettings(platform, requestCtx(req), req.body),
  );
  app.post(
    '/requests',
    {
      schema: {
        tags,
        summary: 'File a sharing request (unconditional resources are granted at once)',
        body: RequestBody,
      },
    },
    async (req, reply) => reply.status(201).send(await sharing.fileRequest(platform, requestCtx(req), req.body)),
  );
  app.get(
    '/requests',
    {
      schema: {
        tags,
        summary: "Requests to my department's resources (provider) or from my department (consumer)",
        querystring: RequestQuery,
      },
    },
    (req) => sharing.listRequests(platform, requestCtx(req), req.query),
  );
  app.get('/requests/:id', { schema: { tags, summary: 'A sharing request', params: Id } }, (req) =>
    sharing.getRequest(platform, requestCtx(req), req.params.id),
  );
  app.post(
    '/requests/:id/decision',
    { schema: { tags, summary: 'Approve (fully or partly) or refuse', params: Id, body: DecisionBody } },
    (req) => sharing.decide(platform, requestCtx(req), req.params.id, req.body),
  );
  app.post(
    '/requests/:id/revoke',
    { schema: { tags, summary: 'Revoke a grant', params: Id, body: RevokeBody } },
    (req) => sharing.revoke(platform, requestCtx(req), req.params.id, req.body),
  );
  app.post(
    '/requests/:id/review',
    { schema: { tags, summary: 'Confirm a grant at its periodic re-review', params: Id, body: ReviewBody } },
    (req) => sharing.review(platform, requestCtx(req), req.params.id, req.body),
  );

  // ----- gateway credentials, usage, audit of calls, objections -----
  app.post(
    '/requests/:id/clients',
    {
      schema: {
        tags,
        summary: 'Issue gateway credentials (client id + secret, shown once) for a granted request',
        params: Id,
        body: Type.Object({ name: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await gw.createClient(platform, requestCtx(req), req.params.id, req.body)),
  );
  app.get(
    '/requests/:id/clients',
    { schema: { tags, summary: 'Gateway credentials of a grant (no secrets)', params: Id } },
    (req) => gw.listClients(platform, requestCtx(req), req.params.id),
  );
  app.post(
    '/clients/:clientId/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke gateway credentials',
        params: Type.Object({ clientId: Type.String({ maxLength: 64 }) }),
      },
    },
    (req) => gw.revokeClient(platform, requestCtx(req), req.params.clientId),
  );
  app.get(
    '/requests/:id/usage',
    { schema: { tags, summary: 'Calls and rows per day of a grant', params: Id } },
    (req) => gw.usage(platform, requestCtx(req), req.params.id),
  );
  app.get(
    '/calls',
    {
      schema: {
        tags,
        summary: 'Gateway calls (audit, provider, consumer views); trace by answer hash',
        querystring: Type.Object({
          requestId: Type.Optional(Type.String({ maxLength: 64 })),
          resourceId: Type.Optional(Type.String({ maxLength: 64 })),
          answerHash: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9a-fA-F]{64}$' })),
          ...Paging,
        }),
      },
    },
    (req) => gw.listCalls(platform, requestCtx(req), req.query),
  );
  app.post(
    '/calls/trace',
    {
      schema: {
        tags,
        summary: '溯源: which calls disclosed data about this key (e.g. an ID number); audited',
        body: Type.Object(
          {
            key: Type.String({ minLength: 1, maxLength: 200 }),
            resourceId: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => gw.listCalls(platform, requestCtx(req), req.body),
  );
  app.get(
    '/objections',
    {
      schema: {
        tags,
        summary: '数据异议 about my resources (provider) or filed by my department (consumer)',
        querystring: Type.Object({
          side: Type.Union([Type.Literal('provider'), Type.Literal('consumer')]),
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('rejected')])),
        }),
      },
    },
    (req) => gw.listObjections(platform, requestCtx(req), req.query),
  );
  app.post(
    '/requests/:id/objections',
    {
      schema: {
        tags,
        summary: '数据异议 filed in the web app by the consumer department about data of one of its grants',
        params: Id,
        body: Type.Object(
          {
            key: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            field: Type.Optional(Type.String({ maxLength: 63 })),
            description: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await gw.fileObjectionAsConsumer(platform, requestCtx(req), req.params.id, req.body)),
  );
  app.post(
    '/objections/:id/answer',
    {
      schema: {
        tags,
        summary: 'Accept or reject an objection with a reply',
        params: Id,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
            reply: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => gw.answerObjection(platform, requestCtx(req), req.params.id, req.body),
  );

  // ----- no-proof services (免证明) -----
  noProof.registerNoProof(platform);
  app.post(
    '/no-proof/preview',
    {
      schema: {
        tags,
        summary:
          'What the platform fetches for the signed-in applicant for a SHARED_DATA material (audited gateway call)',
        body: Type.Object(
          {
            taskCode: Type.String({ minLength: 1, maxLength: 64 }),
            material: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => noProof.preview(platform, requestCtx(req), req.body),
  );
  app.post(
    '/no-proof/check',
    {
      schema: {
        tags,
        summary:
          "Check a SHARED_DATA source against the item department's standing grant (catalog editor; changes nothing)",
        body: Type.Object(
          {
            departmentId: Type.String({ minLength: 1, maxLength: 64 }),
            source: Type.Object({
              resourceCode: Type.String({ minLength: 1, maxLength: 64 }),
              fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { maxItems: 200 })),
              predicate: Type.Optional(
                Type.Object({
                  field: Type.String({ minLength: 1, maxLength: 63 }),
                  op: Type.Union(gw.PREDICATE_OPS.map((o) => Type.Literal(o))),
                  value: Type.Optional(Type.Unknown()),
                }),
              ),
              prefill: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 63 }))),
            }),
          },
          { additionalProperties: false },
        ),
      },
    },
    (req) => noProof.checkSource(platform, requestCtx(req), req.body),
  );
  app.get(
    '/no-proof/savings',
    { schema: { tags, summary: 'Materials and visits saved per item by shared data' } },
    () => noProof.savings(platform),
  );
}
