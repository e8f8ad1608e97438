import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  listMyNotifications,
  listOutbox,
  markAllNotificationsRead,
  markNotificationRead,
  type Platform,
  requestCtx,
} from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};

/** In-app notifications of the signed-in account, and the e-mail/SMS outbox (platform `notify`). */
export async function notificationRoutes(scope: FastifyInstance, platform: Platform) {
  const api = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['notifications'];
  api.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: "The caller's notifications, newest first, with the unread count",
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), ...Page }),
      },
    },
    (req) => listMyNotifications(platform.db, requestCtx(req), req.query),
  );
  api.post(
    '/notifications/read-all',
    { schema: { tags, summary: "Mark all of the caller's notifications read" } },
    (req) => markAllNotificationsRead(platform.db, requestCtx(req)),
  );
  api.post(
    '/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one notification read',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
      },
    },
    (req) => markNotificationRead(platform.db, requestCtx(req), req.params.id),
  );
  api.get(
    '/notifications/outbox',
    {
      schema: {
        tags,
        summary: 'E-mail and SMS outbox (permission notifications.outbox; audited)',
        querystring: Type.Object({
          channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms')])),
          status: Type.Optional(
            Type.Union(['pending', 'sent', 'outbox', 'no_address', 'failed'].map((s) => Type.Literal(s))),
          ),
          ...Page,
        }),
      },
    },
    (req) => listOutbox(platform.db, requestCtx(req), req.query as any),
  );
}
