/**
 * The exchange gateway, mounted under /api/v1/exchange: other systems get a bearer token with
 * OAuth2 client credentials (one client per grant) and call the data they were granted.
 * Answers carry `x-answer-sha256`, the hash recorded in the audit trail for that call.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import * as gw from './gateway.ts';

const Scalar = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);
const Filter = Type.Record(Type.String({ maxLength: 63 }), Scalar);

function send(reply: FastifyReply, a: gw.Answer) {
  return reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-answer-sha256', a.hash)
    .send(a.bytes);
}

export async function exchangeRoutes(scope: FastifyInstance, platform: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['exchange'];
  const security = [{ bearer: [] }];

  app.post(
    '/token',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'OAuth2 token endpoint (grant_type=client_credentials; form or JSON body, or HTTP Basic)',
        body: Type.Object(
          {
            grant_type: Type.Optional(Type.String({ maxLength: 50 })),
            client_id: Type.Optional(Type.String({ maxLength: 100 })),
            client_secret: Type.Optional(Type.String({ maxLength: 200 })),
            scope: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      try {
        const t = await gw.issueToken(platform, requestCtx(req), req.body ?? {}, req.headers.authorization);
        return reply.header('cache-control', 'no-store').send(t);
      } catch (e) {
        if (e instanceof gw.OAuthError)
          return reply.status(e.status).header('cache-control', 'no-store').send(e.body());
        throw e;
      }
    },
  );

  app.get(
    '/grant',
    { schema: { tags, security, summary: 'What this token may read: resource, fields, masking, quotas' } },
    async (req) => {
      const g = await gw.grantOfToken(platform, req.headers.authorization);
      return {
        resource: g.resource.code,
        name: g.resource.name,
        mode: g.request.mode,
        purpose: g.request.purpose,
        fields: g.request.grantedFields,
        clearFields: g.request.grantedClearFields,
        periodTo: g.request.periodTo,
        dailyQuota: g.request.dailyQuota,
        ratePerMinute: g.request.ratePerMinute,
      };
    },
  );

  app.post(
    '/query',
    {
      schema: {
        tags,
        security,
        summary: 'Rows of the granted resource by key or filter, granted fields only, masked by grade and grant',
        body: Type.Object(
          {
            key: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            filter: Type.Optional(Filter),
            fields: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 200 })),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      return send(reply, await gw.queryByToken(platform, requestCtx(req), req.headers.authorization, req.body));
    },
  );

  app.post(
    '/predicate',
    {
      schema: {
        tags,
        security,
        summary: '"Usable but invisible": does the row of key satisfy field op value? Answers only found/result',
        body: Type.Object(
          {
            key: Type.String({ minLength: 1, maxLength: 200 }),
            field: Type.String({ minLength: 1, maxLength: 63 }),
            op: Type.Union(gw.PREDICATE_OPS.map((o) => Type.Literal(o))),
            value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 100 })])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      return send(
        reply,
        await gw.predicateByToken(platform, requestCtx(req), req.headers.authorization, req.body as any),
      );
    },
  );

  app.post(
    '/aggregate',
    {
      schema: {
        tags,
        security,
        summary: 'Count (or sum/avg of a numeric field) of the rows matching a filter; no row values',
        body: Type.Object(
          {
            op: Type.Union([Type.Literal('count'), Type.Literal('sum'), Type.Literal('avg')]),
            field: Type.Optional(Type.String({ maxLength: 63 })),
            filter: Type.Optional(Filter),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const g = await gw.grantOfToken(platform, req.headers.authorization);
      return send(reply, await gw.aggregate(platform, requestCtx(req), g, req.body));
    },
  );

  app.post(
    '/objections',
    {
      schema: {
        tags,
        security,
        summary: '数据异议: report wrong data to the provider',
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
    async (req, reply) => {
      const g = await gw.grantOfToken(platform, req.headers.authorization);
      return reply.status(201).send(await gw.fileObjection(platform, requestCtx(req), g, req.body));
    },
  );
}
