import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { writeAudit } from './audit.ts';
import type { Config } from './config.ts';
import { type Ctx, requireSignedIn, scopesOf } from './context.ts';
import type { Db, Tx } from './db.ts';
import { forbidden, notFound } from './errors.ts';
import type { JobHandler, JobRunner } from './jobs.ts';
import { enqueue } from './jobs.ts';
import type { Migrations } from './migrate.ts';

/**
 * Notifications: an in-app message per recipient and, for e-mail and SMS, an outbox row that a
 * durable job (`notify.deliver`) hands to a sender. `notify()` only writes rows in the caller's
 * transaction, so a notice exists exactly when the change it announces does, and delivery never
 * holds that transaction. Without a configured sender (the demo) a message lands in the outbox
 * with status `outbox`, which the outbox page shows.
 */
export const notifyMigrations: Migrations = {
  '0007_platform_notifications': {
    async up(db) {
      await sql`
        create table notifications (
          id text primary key,
          recipient_account_id text not null,
          kind text not null,
          title text not null,
          title_en text not null,
          body text not null,
          body_en text not null,
          link text,
          inapp boolean not null default true,
          channels jsonb not null default '[]',
          read_at timestamptz,
          created_at timestamptz not null default now()
        );
        create index notifications_recipient on notifications (recipient_account_id, created_at desc);
        create index notifications_unread on notifications (recipient_account_id) where read_at is null and inapp;
        create table notification_outbox (
          id text primary key,
          notification_id text not null references notifications (id),
          recipient_account_id text not null,
          channel text not null check (channel in ('email', 'sms')),
          status text not null default 'pending'
            check (status in ('pending', 'sent', 'outbox', 'no_address', 'failed')),
          address_masked text,
          subject text not null,
          body text not null,
          provider_id text,
          attempts int not null default 0,
          last_error text,
          created_at timestamptz not null default now(),
          delivered_at timestamptz
        );
        create index notification_outbox_created on notification_outbox (created_at desc);
        create index notification_outbox_channel on notification_outbox (channel, created_at desc);
      `.execute(db);
    },
  },
};

export type Channel = 'inapp' | 'email' | 'sms';
export const DELIVER_QUEUE = 'notify.deliver';
/** Attempts of one e-mail/SMS delivery before it is marked failed (back-off 2, 4, 8 … s). */
export const DELIVERY_ATTEMPTS = 6;

export interface Notice {
  /** An account id (applicant or staff). */
  recipientAccountId: string;
  /** e.g. 'cases.accept', 'evaluation.rectification'. */
  kind: string;
  title: string;
  titleEn: string;
  body: string;
  bodyEn: string;
  /** An in-app path such as /my/cases/<id>. */
  link?: string | null;
  /** Default ['inapp', 'sms']. */
  channels?: Channel[];
}

/** Stores the notice (in-app row and an outbox row per e-mail/SMS channel) and enqueues delivery, in `tx`. */
export async function notify(tx: Tx, notice: Notice): Promise<void> {
  const channels = [...new Set(notice.channels ?? ['inapp', 'sms'])];
  const id = randomUUID();
  await tx
    .insertInto('notifications')
    .values({
      id,
      recipient_account_id: notice.recipientAccountId,
      kind: notice.kind,
      title: notice.title,
      title_en: notice.titleEn,
      body: notice.body,
      body_en: notice.bodyEn,
      link: notice.link ?? null,
      inapp: channels.includes('inapp'),
      channels: JSON.stringify(channels),
    })
    .execute();
  for (const channel of channels) {
    if (channel === 'inapp') continue;
    const outboxId = randomUUID();
    await tx
      .insertInto('notification_outbox')
      .values({
        id: outboxId,
        notification_id: id,
        recipient_account_id: notice.recipientAccountId,
        channel,
        subject: notice.title,
        // Messages go out in Chinese with the English text after it.
        body: channel === 'sms' ? `【一网】${notice.body}` : `${notice.body}\n\n${notice.titleEn}\n${notice.bodyEn}`,
      })
      .execute();
    await enqueue(tx, DELIVER_QUEUE, { outboxId }, { uniqueKey: `notify:${outboxId}`, maxAttempts: DELIVERY_ATTEMPTS });
  }
}

// ---------------------------------------------------------------- recipients and senders

export interface Recipient {
  email: string | null;
  phone: string | null;
}

/**
 * Looks up where to send a recipient's messages. Registered by the identity module, which holds
 * the sealed phone numbers; answers clear values for the sender only (never stored or logged).
 */
export type RecipientResolver = (db: Db, config: Config, accountId: string) => Promise<Recipient | null>;

let recipientResolver: RecipientResolver | null = null;

export function setRecipientResolver(fn: RecipientResolver | null): void {
  recipientResolver = fn;
}

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Sender {
  channel: 'email' | 'sms';
  send(msg: OutgoingMessage): Promise<{ providerId: string }>;
}

/** E-mail through SMTP (nodemailer); `SMTP_URL` like smtp://user:pass@host:587. */
export function smtpSender(smtpUrl: string, from: string): Sender {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    channel: 'email',
    async send(msg) {
      const info = await transport.sendMail({ from, to: msg.to, subject: msg.subject, text: msg.text });
      return { providerId: String(info.messageId ?? randomUUID()) };
    },
  };
}

/** SMS through an HTTP gateway: POST JSON `{ to, text }`, 2xx answers `{ id }` (or anything). */
export function smsGatewaySender(gatewayUrl: string, fetcher: typeof fetch = fetch): Sender {
  return {
    channel: 'sms',
    async send(msg) {
      const res = await fetcher(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: msg.to, text: `${msg.subject}：${msg.text}` }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
      const body = (await res.json().catch(() => null)) as { id?: unknown } | null;
      return { providerId: body?.id != null ? String(body.id) : randomUUID() };
    },
  };
}

/** The senders the configuration enables (none in the demo: messages land in the outbox). */
export function sendersFromConfig(config: Config): Sender[] {
  const out: Sender[] = [];
  if (config.smtpUrl) out.push(smtpSender(config.smtpUrl, config.smtpFrom));
  if (config.smsGatewayUrl) out.push(smsGatewaySender(config.smsGatewayUrl));
  return out;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '****';
  return `${email[0]}***${email.slice(at)}`;
}
const maskPhoneNumber = (p: string) => (p.length < 7 ? '****' : `${p.slice(0, 3)}****${p.slice(-4)}`);

/**
 * Delivers one outbox row. A send that throws is recorded on the row and rethrown, so the job
 * runner retries it with back-off; after the last attempt the row is marked `failed`.
 */
export function deliveryHandler(db: Db, config: Config, senders: Sender[]): JobHandler {
  return async (job) => {
    const outboxId = String(job.payload?.outboxId ?? '');
    const row = await db.selectFrom('notification_outbox').selectAll().where('id', '=', outboxId).executeTakeFirst();
    if (row?.status !== 'pending') return;
    const channel = row.channel as 'email' | 'sms';
    const recipient = recipientResolver ? await recipientResolver(db, config, row.recipient_account_id) : null;
    const address = channel === 'email' ? recipient?.email : recipient?.phone;
    const now = () => new Date().toISOString();
    if (!address) {
      await db
        .updateTable('notification_outbox')
        .set({ status: 'no_address', attempts: job.attempts, delivered_at: now() })
        .where('id', '=', outboxId)
        .execute();
      return;
    }
    const masked = channel === 'email' ? maskEmail(address) : maskPhoneNumber(address);
    const sender = senders.find((s) => s.channel === channel);
    if (!sender) {
      await db
        .updateTable('notification_outbox')
        .set({ status: 'outbox', address_masked: masked, attempts: job.attempts, delivered_at: now() })
        .where('id', '=', outboxId)
        .execute();
      return;
    }
    try {
      const { providerId } = await sender.send({ to: address, subject: row.subject, text: row.body });
      await db
        .updateTable('notification_outbox')
        .set({
          status: 'sent',
          address_masked: masked,
          provider_id: providerId,
          attempts: job.attempts,
          last_error: null,
          delivered_at: now(),
        })
        .where('id', '=', outboxId)
        .execute();
    } catch (err) {
      // The error text of a provider may echo the address: keep only its class and status.
      const reason = err instanceof Error ? `${err.name}: ${err.message.replace(/\S+@\S+|\d{7,}/g, '***')}` : 'error';
      const last = job.attempts >= DELIVERY_ATTEMPTS;
      await db
        .updateTable('notification_outbox')
        .set({
          status: last ? 'failed' : 'pending',
          address_masked: masked,
          attempts: job.attempts,
          last_error: reason.slice(0, 500),
          delivered_at: last ? now() : null,
        })
        .where('id', '=', outboxId)
        .execute();
      if (!last) throw new Error(`delivery of outbox ${outboxId} failed; will retry`);
    }
  };
}

/** Registers the `notify.deliver` handler on the runtime's job runner (call once per runtime). */
export function registerNotifyDelivery(
  platform: { db: Db; config: Config; jobs: JobRunner },
  opts: { senders?: Sender[] } = {},
): void {
  platform.jobs.register(
    DELIVER_QUEUE,
    deliveryHandler(platform.db, platform.config, opts.senders ?? sendersFromConfig(platform.config)),
  );
}

// ---------------------------------------------------------------- reading (services for the routes)

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  titleEn: string;
  body: string;
  bodyEn: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function toView(r: any): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    titleEn: r.title_en,
    body: r.body,
    bodyEn: r.body_en,
    link: r.link ?? null,
    readAt: iso(r.read_at),
    createdAt: iso(r.created_at)!,
  };
}

export async function listMyNotifications(
  db: Db,
  ctx: Ctx,
  q: { unread?: boolean; page?: number; pageSize?: number },
): Promise<{ items: NotificationView[]; total: number; unread: number; page: number; pageSize: number }> {
  requireSignedIn(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const mine = db
    .selectFrom('notifications')
    .where('recipient_account_id', '=', ctx.caller.accountId)
    .where('inapp', '=', true);
  const filtered = q.unread ? mine.where('read_at', 'is', null) : mine;
  const [{ n }] = (await filtered.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const [{ u }] = (await mine
    .where('read_at', 'is', null)
    .select((eb) => eb.fn.countAll<string>().as('u'))
    .execute()) as any[];
  const rows = await filtered
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map(toView), total: Number(n), unread: Number(u), page, pageSize };
}

export async function markNotificationRead(db: Db, ctx: Ctx, id: string): Promise<NotificationView> {
  requireSignedIn(ctx);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', id)
      .where('recipient_account_id', '=', ctx.caller.accountId)
      .where('inapp', '=', true)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Notification', '通知');
    if (row.read_at) return toView(row);
    const updated = await tx
      .updateTable('notifications')
      .set({ read_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, ctx, { action: 'notifications.read', objectType: 'notification', objectId: id });
    return toView(updated);
  });
}

export async function markAllNotificationsRead(db: Db, ctx: Ctx): Promise<{ updated: number }> {
  requireSignedIn(ctx);
  return db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('notifications')
      .set({ read_at: new Date().toISOString() })
      .where('recipient_account_id', '=', ctx.caller.accountId)
      .where('inapp', '=', true)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    const updated = Number(res.numUpdatedRows ?? 0);
    if (updated > 0) {
      await writeAudit(tx, ctx, {
        action: 'notifications.read_all',
        objectType: 'account',
        objectId: ctx.caller.accountId,
        detail: { updated },
      });
    }
    return { updated };
  });
}

export interface OutboxView {
  id: string;
  notificationId: string;
  recipientAccountId: string;
  channel: 'email' | 'sms';
  status: string;
  addressMasked: string | null;
  subject: string;
  body: string;
  providerId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export const OUTBOX_PERMISSION = 'notifications.outbox';

/** The e-mail/SMS outbox, newest first; needs `notifications.outbox` (any scope); audited as a read of personal data. */
export async function listOutbox(
  db: Db,
  ctx: Ctx,
  q: { channel?: 'email' | 'sms'; status?: string; page?: number; pageSize?: number },
): Promise<{ items: OutboxView[]; total: number; page: number; pageSize: number }> {
  requireSignedIn(ctx);
  const scopes = scopesOf(ctx.caller, OUTBOX_PERMISSION);
  if (scopes !== null && scopes.length === 0) {
    const e = forbidden();
    (e as any).auditAction = `denied:${OUTBOX_PERMISSION}`;
    throw e;
  }
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  let base = db.selectFrom('notification_outbox');
  if (q.channel) base = base.where('channel', '=', q.channel);
  if (q.status) base = base.where('status', '=', q.status);
  const [{ n }] = (await base.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const rows = await base
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  await db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      action: 'notifications.outbox.read',
      objectType: 'notification_outbox',
      detail: { filters: { channel: q.channel ?? null, status: q.status ?? null, page }, rows: rows.length },
    }),
  );
  return {
    items: rows.map((r: any) => ({
      id: r.id,
      notificationId: r.notification_id,
      recipientAccountId: r.recipient_account_id,
      channel: r.channel,
      status: r.status,
      addressMasked: r.address_masked ?? null,
      subject: r.subject,
      body: r.body,
      providerId: r.provider_id ?? null,
      attempts: r.attempts,
      lastError: r.last_error ?? null,
      createdAt: iso(r.created_at)!,
      deliveredAt: iso(r.delivered_at),
    })),
    total: Number(n),
    page,
    pageSize,
  };
}
