/** Notifications of the cases module: the applicant on every change of state, staff on deadlines. */
import { notify, type Tx } from '@yiwang/platform';
import type { State, Transition } from './workflow.ts';

export const STATE_NAMES: Readonly<Record<State, [string, string]>> = Object.freeze({
  DRAFT: ['草稿', 'draft'],
  SUBMITTED: ['已提交', 'submitted'],
  PRE_REVIEW: ['预审中', 'in pre-review'],
  PRE_REVIEW_RETURNED: ['预审退回', 'returned at pre-review'],
  RECEIVED: ['已接件', 'received'],
  SUPPLEMENT_NOTICE: ['待补正', 'awaiting supplements'],
  NOT_ACCEPTED: ['不予受理', 'not accepted'],
  ACCEPTED: ['已受理', 'accepted'],
  REVIEWING: ['审查中', 'under review'],
  SUSPENDED: ['特别程序中（计时暂停）', 'suspended for a special procedure'],
  DECIDED: ['已作出决定', 'decided'],
  COMPLETED: ['已办结', 'completed'],
  DELIVERED: ['已送达', 'delivered'],
  WITHDRAWN: ['已撤回', 'withdrawn'],
  VOIDED: ['已作废', 'voided'],
});

/** What the applicant is told, per action (state changes, plus the in-state steps that concern them). */
const APPLICANT_TEXT: Record<string, [string, string] | undefined> = {
  request_supplement: ['请按补正告知一次性补齐材料', 'Please supplement the listed materials in one go'],
  suspend: [
    '办件进入特别程序，所需时间不计入办理时限（书面告知）',
    'Your case entered a special procedure; its time does not count towards the time limit (written notice)',
  ],
  extend: ['办理期限经批准延长', 'The time limit was extended with approval'],
};

/** Whether `afterTransition` tells the applicant anything about `t` taken from state `from`. */
export function notifiesApplicant(t: Transition, from: State): boolean {
  if (t.actor === 'applicant' && t.action !== 'provide_materials') return false; // they know what they did
  return t.to !== from || !!APPLICANT_TEXT[t.action];
}

/** Tells the applicant what happened to their case (in the same transaction as the change). */
export async function afterTransition(
  tx: Tx,
  row: any,
  t: Transition,
  reason: string | null,
  detail: { supplementItems?: { material: string; note: string }[] },
) {
  if (!notifiesApplicant(t, row.state)) return;
  const extra = APPLICANT_TEXT[t.action];
  const [zh, en] = STATE_NAMES[t.to];
  // The supplement notice lists every material to hand in (行政许可法 §32: one notice, everything).
  const listed = detail.supplementItems ?? [];
  const listZh = listed.map((i) => `${i.material}${i.note ? `（${i.note}）` : ''}`).join('；');
  const outcome =
    t.outcome === 'APPROVED'
      ? ['，结果：准予', ', outcome: approved']
      : t.outcome === 'DENIED'
        ? ['，结果：不予批准', ', outcome: denied']
        : ['', ''];
  await notify(tx, {
    recipientAccountId: row.applicant_account_id,
    kind: `cases.${t.action}`,
    title: `办件${zh}：${row.item_name}`,
    titleEn: `Case ${en}: ${row.item_name}`,
    body: `您的办件（流水号 ${row.serial_no}）${extra ? extra[0] : `状态更新为“${zh}”`}${outcome[0]}${listZh ? `：${listZh}` : ''}${reason ? `。说明：${reason}` : '。'}`,
    bodyEn: `Your case ${row.serial_no}: ${extra ? extra[1] : `now ${en}`}${outcome[1]}${listed.length ? `: ${listed.map((i) => i.material).join('; ')}` : ''}${reason ? `. Note: ${reason}` : '.'}`,
    link: `/my/cases/${row.id}`,
    channels: ['inapp', 'sms'],
  });
}

/** The staff member who last acted on the case (not the applicant, not the system), if any. */
async function lastStaffActor(tx: Tx, row: any): Promise<string | null> {
  const last: any = await tx
    .selectFrom('case_events')
    .select('actor_id')
    .where('case_id', '=', row.id)
    .where('actor_id', 'is not', null)
    .where('actor_id', 'not in', [row.applicant_account_id, 'system'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.actor_id ?? null;
}

/**
 * 容缺受理: reminds the applicant the day before a tolerated material is due; when it is overdue,
 * tells the applicant and the staff member who last acted on the case.
 */
export async function toleratedNotice(
  tx: Tx,
  row: any,
  kind: 'reminder' | 'overdue',
  material: string,
  dueDay: string,
) {
  const overdue = kind === 'overdue';
  await notify(tx, {
    recipientAccountId: row.applicant_account_id,
    kind: `cases.tolerated_${kind}`,
    title: overdue ? `容缺材料已逾期：${row.item_name}` : `请按时补交容缺材料：${row.item_name}`,
    titleEn: overdue ? `Tolerated material overdue: ${row.item_name}` : `Tolerated material due: ${row.item_name}`,
    body: overdue
      ? `您的办件（流水号 ${row.serial_no}）容缺受理的材料“${material}”应于 ${dueDay} 前补齐，现已逾期，请尽快补交，否则可能影响办理结果。`
      : `您的办件（流水号 ${row.serial_no}）容缺受理的材料“${material}”须在 ${dueDay} 前补齐，请在“我的办件”中补交。`,
    bodyEn: overdue
      ? `Case ${row.serial_no}: the tolerated material "${material}" was due by ${dueDay} and is overdue; please hand it in as soon as possible.`
      : `Case ${row.serial_no}: the tolerated material "${material}" is due by ${dueDay}; please hand it in under My cases.`,
    link: `/my/cases/${row.id}`,
    channels: ['inapp', 'sms'],
  });
  if (!overdue) return;
  const staff = await lastStaffActor(tx, row);
  if (!staff) return;
  await notify(tx, {
    recipientAccountId: staff,
    kind: 'cases.tolerated_overdue',
    title: `容缺材料逾期未补：${row.item_name}`,
    titleEn: `Tolerated material not handed in: ${row.item_name}`,
    body: `办件 ${row.serial_no} 容缺受理的材料“${material}”应于 ${dueDay} 前补齐，申请人尚未补交。`,
    bodyEn: `Case ${row.serial_no}: the tolerated material "${material}" was due by ${dueDay} and has not been handed in.`,
    link: `/workbench/cases/${row.id}`,
    channels: ['inapp'],
  });
}

/** Tells the staff member who last acted on the case that its deadline is near or passed. */
export async function deadlineNotice(tx: Tx, row: any, kind: 'warning' | 'overdue') {
  const staff = await lastStaffActor(tx, row);
  if (!staff) return;
  const overdue = kind === 'overdue';
  await notify(tx, {
    recipientAccountId: staff,
    kind: `cases.deadline_${kind}`,
    title: overdue ? `办件已超期：${row.item_name}` : `办件临近期限：${row.item_name}`,
    titleEn: overdue ? `Case overdue: ${row.item_name}` : `Case deadline near: ${row.item_name}`,
    body: `办件 ${row.serial_no} 的承诺期限为 ${row.due_day}${overdue ? '，已超期' : '，已用去 80% 以上的时限'}。`,
    bodyEn: `Case ${row.serial_no} is due on ${row.due_day}${overdue ? ' and is overdue' : '; over 80% of its time limit is used'}.`,
    link: `/workbench/cases/${row.id}`,
    channels: ['inapp'],
  });
}
