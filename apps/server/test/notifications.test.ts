import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  loadConfig,
  maskEmail,
  notify,
  registerNotifyDelivery,
  type Sender,
  systemCtx,
  writeAudit,
} from '@yiwang/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerLogin, PERSON } from '../../../packages/modules/identity/test/helpers.ts';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../tests/harness.ts';

let rt: TestRuntime;
let citizen: Record<string, string>;
let citizenId: string;
let other: Record<string, string>;
let supervisor: Record<string, string>;

const notice = (recipientAccountId: string, n: number, channels?: ('inapp' | 'email' | 'sms')[]) => ({
  recipientAccountId,
  kind: 'test.notice',
  title: `测试通知 ${n}`,
  titleEn: `Test notice ${n}`,
  body: `您的办件已受理（${n}）`,
  bodyEn: `Your case was accepted (${n})`,
  link: `/my/cases/${n}`,
  ...(channels ? { channels } : {}),
});

/** Runs the due jobs until none is left (the runtime's own runner may hold a tick). */
async function drain() {
  for (let i = 0; i < 5; i++) await rt.platform.jobs.runDue();
}

const outboxOf = (accountId: string) =>
  rt.platform.db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('recipient_account_id', '=', accountId)
    .orderBy('created_at')
    .execute();

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  const reg = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: PERSON });
  expect(reg.statusCode, reg.body).toBe(201);
  citizenId = reg.json().id;
  citizen = await bearerLogin(rt.app, PERSON.idNumber, PERSON.password);
  const reg2 = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/register',
    payload: { ...PERSON, name: '李四', idNumber: '440524188001010014', phone: '13900139000' },
  });
  expect(reg2.statusCode, reg2.body).toBe(201);
  other = await bearerLogin(rt.app, '440524188001010014', PERSON.password);
  supervisor = await bearerLogin(rt.app, 'supervisor01', 'Yiwang@2026');
});
afterAll(async () => {
  await rt?.close();
});

describe(`notifications on ${dbLabel}`, () => {
  it('stores the notice, its outbox row and the delivery job in the caller transaction only', async () => {
    await expect(
      rt.platform.db.transaction().execute(async (tx) => {
        await notify(tx, notice(citizenId, 0));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await outboxOf(citizenId)).toHaveLength(0);
    await rt.platform.db.transaction().execute(async (tx) => {
      await notify(tx, notice(citizenId, 1));
      await writeAudit(tx, systemCtx(), { action: 'test.notify' });
    });
    const rows = await outboxOf(citizenId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'sms', status: 'pending' });
    const job = await rt.platform.db
      .selectFrom('jobs')
      .selectAll()
      .where('unique_key', '=', `notify:${rows[0].id}`)
      .executeTakeFirst();
    expect(job?.queue).toBe('notify.deliver');
  });

  it('lands SMS in the demo outbox with a masked number when no gateway is configured', async () => {
    await drain();
    const [row] = await outboxOf(citizenId);
    expect(row.status).toBe('outbox');
    expect(row.address_masked).toBe('138****8000');
    expect(JSON.stringify(row)).not.toContain(PERSON.phone);
    expect(row.body).toContain('您的办件已受理（1）');
  });

  it('records an e-mail without an address as no_address', async () => {
    await rt.platform.db.transaction().execute((tx) => notify(tx, notice(citizenId, 2, ['email'])));
    await drain();
    const rows = await outboxOf(citizenId);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([
      ['sms', 'outbox'],
      ['email', 'no_address'],
    ]);
    // Not shown in the app (channels without inapp).
    const mine = await rt.app.inject({ url: '/api/v1/notifications', headers: citizen });
    expect(mine.json().items.map((n: any) => n.title)).toEqual(['测试通知 1']);
  });

  it('retries a failing sender through the jobs table, then records the provider id', async () => {
    const sent: { to: string; text: string }[] = [];
    let failures = 1;
    const sms: Sender = {
      channel: 'sms',
      async send(msg) {
        if (failures-- > 0) throw new Error('gateway 503 for 13800138000');
        sent.push(msg);
        return { providerId: `gw-${sent.length}` };
      },
    };
    registerNotifyDelivery(rt.platform, { senders: [sms] });
    try {
      await rt.platform.db.transaction().execute((tx) => notify(tx, notice(citizenId, 3)));
      await drain();
      let row = (await outboxOf(citizenId)).at(-1)!;
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).not.toContain('13800138000');
      // The retry is scheduled with back-off; bring it forward.
      await rt.platform.db
        .updateTable('jobs')
        .set({ run_at: new Date(Date.now() - 1000).toISOString() })
        .where('unique_key', '=', `notify:${row.id}`)
        .execute();
      await drain();
      row = (await outboxOf(citizenId)).at(-1)!;
      expect(row).toMatchObject({ status: 'sent', provider_id: 'gw-1', attempts: 2, address_masked: '138****8000' });
      expect(sent).toEqual([{ to: PERSON.phone, subject: '测试通知 3', text: '【一网】您的办件已受理（3）' }]);
    } finally {
      registerNotifyDelivery(rt.platform);
    }
  });

  it('lists, counts and marks the caller’s own notifications read', async () => {
    const list = await rt.app.inject({ url: '/api/v1/notifications?unread=true', headers: citizen });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 2, unread: 2 });
    expect(list.json().items[0]).toMatchObject({ title: '测试通知 3', titleEn: 'Test notice 3', link: '/my/cases/3' });
    const id = list.json().items[0].id;

    const foreign = await rt.app.inject({ method: 'POST', url: `/api/v1/notifications/${id}/read`, headers: other });
    expect(foreign.statusCode).toBe(404);
    const read = await rt.app.inject({ method: 'POST', url: `/api/v1/notifications/${id}/read`, headers: citizen });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toBeTruthy();
    const after = await rt.app.inject({ url: '/api/v1/notifications?unread=true', headers: citizen });
    expect(after.json()).toMatchObject({ total: 1, unread: 1 });

    const all = await rt.app.inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: citizen });
    expect(all.json()).toEqual({ updated: 1 });
    const none = await rt.app.inject({ url: '/api/v1/notifications', headers: citizen });
    expect(none.json()).toMatchObject({ total: 2, unread: 0 });
    const audits = await rt.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_id', '=', citizenId)
      .where('action', 'like', 'notifications.%')
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['notifications.read', 'notifications.read_all']);
    expect((await rt.app.inject({ url: '/api/v1/notifications' })).statusCode).toBe(401);
  });

  it('shows the outbox only with notifications.outbox, and audits the read', async () => {
    const denied = await rt.app.inject({ url: '/api/v1/notifications/outbox', headers: citizen });
    expect(denied.statusCode).toBe(403);
    const ok = await rt.app.inject({ url: '/api/v1/notifications/outbox?channel=sms', headers: supervisor });
    expect(ok.statusCode, ok.body).toBe(200);
    const body = ok.json();
    expect(body.total).toBe(2);
    expect(body.items.map((r: any) => r.status).sort()).toEqual(['outbox', 'sent']);
    expect(ok.body).not.toContain(PERSON.phone);
    const bad = await rt.app.inject({ url: '/api/v1/notifications/outbox?channel=fax', headers: supervisor });
    expect(bad.statusCode).toBe(400);
    const audits = await rt.platform.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('action', 'in', ['notifications.outbox.read', 'denied:notifications.outbox'])
      .execute();
    expect(audits).toEqual(
      expect.arrayContaining([
        { action: 'notifications.outbox.read', outcome: 'success' },
        { action: 'denied:notifications.outbox', outcome: 'denied' },
      ]),
    );
  });
});

describe('notification configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yw-notify-config-'));
  it('reads SMTP_URL, SMS_GATEWAY_URL and RECTIFY_DAYS, refusing bad values by name', () => {
    const ok = loadConfig({
      DATA_DIR: dir,
      SMTP_URL: 'smtp://u:p@mail.example.gov.cn:587',
      SMS_GATEWAY_URL: 'https://sms.example.gov.cn/send',
      RECTIFY_DAYS: '15',
    });
    expect(ok).toMatchObject({ smtpUrl: 'smtp://u:p@mail.example.gov.cn:587', rectifyDays: 15 });
    expect(ok.smtpFrom).toContain('@localhost');
    expect(loadConfig({ DATA_DIR: dir })).toMatchObject({ smtpUrl: null, smsGatewayUrl: null, rectifyDays: 5 });
    expect(() => loadConfig({ DATA_DIR: dir, SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ DATA_DIR: dir, SMS_GATEWAY_URL: 'ftp://x' })).toThrow(/SMS_GATEWAY_URL/);
    expect(() => loadConfig({ DATA_DIR: dir, RECTIFY_DAYS: '0' })).toThrow(ConfigError);
    expect(maskEmail('zhang.san@example.gov.cn')).toBe('z***@example.gov.cn');
  });
});
