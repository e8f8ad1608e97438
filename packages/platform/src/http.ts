import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { writeAudit } from './audit.ts';
import type { Config } from './config.ts';
import { anonymous, type Ctx } from './context.ts';
import type { Db } from './db.ts';
import { AppError } from './errors.ts';
import type { EventBus } from './events.ts';
import type { JobRunner } from './jobs.ts';
import type { Migrations } from './migrate.ts';

/** What the composition root hands every module. */
export interface Platform {
  db: Db;
  config: Config;
  bus: EventBus;
  /** Durable jobs: modules register handlers for their queues; the runtime runs them. */
  jobs: JobRunner;
}

/** A domain module: its tables (migrations), its routes (a Fastify plugin) and its demo data. */
export interface YiwangModule {
  name: string;
  migrations: Migrations;
  routes(app: FastifyInstance, platform: Platform): Promise<void>;
  seed?(platform: Platform, log: (line: string) => void): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
  }
}

export function requestCtx(req: FastifyRequest): Ctx {
  return req.ctx ?? { caller: anonymous, requestId: req.id, ip: req.ip };
}

const FIELD_ZH: Record<string, string> = {
  required: '缺少必填字段',
  format: '格式不正确',
  pattern: '格式不正确',
  minLength: '太短',
  maxLength: '太长',
  enum: '取值不在允许范围内',
  type: '类型不正确',
  minimum: '太小',
  maximum: '太大',
  additionalProperties: '包含不允许的字段',
};

function validationError(err: FastifyError): AppError {
  const v = err.validation?.[0] as any;
  const params = v?.params ?? {};
  let field: string | undefined =
    params.missingProperty ?? params.requiredProperties?.[0] ?? params.additionalProperty ?? undefined;
  const path: string = v?.instancePath ?? '';
  if (path) field = path.replace(/^\//, '').replace(/\//g, '.') + (field ? `.${field}` : '');
  const keyword: string = v?.keyword ?? 'invalid';
  // A value outside a set (an enum, or a union of literals: one `const` error per member) names the
  // values it may take instead of "must be equal to constant".
  if (keyword === 'const' || keyword === 'enum') {
    const allowed = ((err.validation ?? []) as any[])
      .filter((x) => (x.instancePath ?? '') === path)
      .flatMap((x) =>
        x.keyword === 'const' ? [x.params?.allowedValue] : x.keyword === 'enum' ? (x.params?.allowedValues ?? []) : [],
      )
      .filter((x) => x !== undefined)
      .map(String);
    if (allowed.length)
      return new AppError(
        400,
        'VALIDATION',
        `${field ? `字段 ${field} ` : ''}应为以下之一：${allowed.join('、')}`,
        `${field ? `Field ${field}: ` : ''}must be one of ${allowed.join(', ')}`,
        field,
      );
  }
  const zh = `${field ? `字段 ${field} ` : ''}${FIELD_ZH[keyword] ?? '不正确'}`;
  const en = `${field ? `Field ${field}: ` : ''}${v?.message ?? err.message}`;
  return new AppError(400, 'VALIDATION', zh, en, field);
}

/** Maps every error to `{ code, message, messageEn, field? }` and audits refused attempts. */
export function installErrorHandler(app: FastifyInstance, db: Db) {
  app.setErrorHandler(async (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let e: AppError;
    if (err instanceof AppError) e = err;
    else if (err.validation) e = validationError(err);
    else if (err.statusCode === 429)
      e = new AppError(429, 'RATE_LIMITED', '请求过于频繁，请稍后再试', 'Too many requests, try again later');
    else if (err.statusCode === 415)
      e = new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型', 'Unsupported content type');
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      e = new AppError(err.statusCode, err.code || 'BAD_REQUEST', '请求无效', err.message);
    else {
      req.log.error({ err }, 'unhandled error');
      e = new AppError(500, 'INTERNAL', '服务器内部错误', 'Internal server error');
    }
    if (e.status === 403 || (e as any).auditAction) {
      const ctx = requestCtx(req);
      try {
        await db.transaction().execute((tx) =>
          writeAudit(tx, ctx, {
            action: (e as any).auditAction ?? `denied:${req.method} ${req.routeOptions.url ?? req.url}`,
            objectType: 'request',
            objectId: (e as any).auditObject ?? null,
            outcome: e.status === 403 ? 'denied' : 'failure',
            detail: { code: e.code, route: req.routeOptions.url ?? null, method: req.method },
          }),
        );
      } catch (auditErr) {
        req.log.error({ err: auditErr }, 'could not audit a refused request');
      }
    }
    // A limit that frees up at a known time says when (RFC 9110 Retry-After, in seconds).
    const retryAfter = (e as any).retryAfterSeconds;
    if (e.status === 429 && Number.isFinite(retryAfter)) reply.header('retry-after', String(Math.max(1, retryAfter)));
    return reply.status(e.status).send(e.toJSON());
  });
}

/** Standard error response schema for OpenAPI. */
export const ErrorSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    messageEn: { type: 'string' },
    field: { type: 'string' },
  },
  required: ['code', 'message', 'messageEn'],
} as const;
