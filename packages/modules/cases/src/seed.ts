/**
 * Demo city data of the one-stop services: the bundles 开办餐饮店 and 新生儿出生一件事, demo
 * citizens, and a few hundred historical cases spread over every state (backdated, with their
 * timelines and deadlines from the working-day calendar) so the workbench and statistics look real.
 */
import { createHash, randomInt } from 'node:crypto';
import { type CatalogItem, latestPublishedItem, searchPublishedItems } from '@yiwang/catalog';
import { registerAccount } from '@yiwang/identity';
import { dayOf, enqueue, hmac, loadCalendar, type Platform, parseDay, systemCtx, writeAudit } from '@yiwang/platform';
import { idNumberCheckDigit } from '@yiwang/shared';
import { type BundleInput, upsertBundle } from './bundles.ts';
import type { ProvidedMaterial } from './fulfilment.ts';
import { AUTO_ACCEPT_QUEUE, DEADLINE_QUEUE, limitEnd, SUPPLEMENT_NOTICE_DAYS, warnDayOf } from './service.ts';

const endOfDayOf = (day: string) => new Date(parseDay(day).getTime() + 16 * 3600_000);

import type { State } from './workflow.ts';

export const DEMO_CITIZEN_PASSWORD = 'Citizen#2026';

/** A valid 18-digit ID number of a Foshan district, born on `birth` (YYYYMMDD). */
export function demoIdNumber(district: string, birth: string, seq: number): string {
  const body = `${district}${birth}${String(seq).padStart(3, '0')}`;
  return body + idNumberCheckDigit(body);
}

export const DEMO_CITIZENS: { name: string; idNumber: string; phone: string }[] = [
  ['陈美玲', '440604', '19880312', 102, '13800001001'],
  ['梁家豪', '440605', '19790521', 113, '13800001002'],
  ['何晓燕', '440606', '19920807', 124, '13800001003'],
  ['黄伟明', '440607', '19650130', 135, '13800001004'],
].map(([name, district, birth, seq, phone]) => ({
  name: name as string,
  idNumber: demoIdNumber(district as string, birth as string, seq as number),
  phone: phone as string,
}));

async function itemByName(p: Platform, name: string): Promise<CatalogItem | null> {
  const found = await searchPublishedItems(p.db, { q: name, page: 1, pageSize: 20 });
  const hit = found.items.find((i) => i.name === name);
  return hit ? latestPublishedItem(p.db, hit.taskCode) : null;
}

async function bundleDefinitions(p: Platform): Promise<BundleInput[]> {
  const need = async (name: string) => {
    const it = await itemByName(p, name);
    if (!it) throw new Error(`bundle seed: item ${name} missing from the catalog seed`);
    return it;
  };
  const geti = await need('个体工商户设立登记');
  const food = await need('食品经营许可');
  const hygiene = await need('公共场所卫生许可');
  const sign = await need('户外广告设置许可');
  const birthCert = await need('出生医学证明首次签发');
  const hukou = await need('出生登记（新生儿入户）');
  const fertility = await need('生育登记');
  const to = (it: CatalogItem, field: string) => ({ taskCode: it.taskCode, field });
  const sat = (it: CatalogItem, material: string) => ({ taskCode: it.taskCode, material });
  return [
    {
      code: 'KBCYD',
      name: '开办餐饮店',
      nameEn: 'Open a restaurant',
      description:
        '个体工商户登记、食品经营许可、公共场所卫生许可（如适用）和门头招牌设置一次申请：登记办结后，许可申请自动提交并共享营业执照。',
      theme: '企业全生命周期',
      leadDepartmentId: geti.departmentId,
      applicantTypes: ['person'],
      scenarios: [
        {
          id: 'publicPlace',
          question: '店内是否同时经营住宿、美容美发、沐浴等公共场所服务？',
          questionEn: 'Does the shop also run a public place (lodging, beauty salon, baths…)?',
        },
        { id: 'signboard', question: '是否设置户外门头招牌？', questionEn: 'Will you put up an outdoor shop sign?' },
      ],
      members: [
        { taskCode: geti.taskCode },
        { taskCode: food.taskCode, dependsOn: [geti.taskCode] },
        {
          taskCode: hygiene.taskCode,
          condition: { scenario: 'publicPlace', equals: true },
          dependsOn: [geti.taskCode],
        },
        { taskCode: sign.taskCode, condition: { scenario: 'signboard', equals: true } },
      ],
      form: [
        {
          id: 'operatorName',
          title: '经营者姓名',
          titleEn: 'Operator name',
          type: 'string',
          required: true,
          mapsTo: [
            to(geti, 'applicantName'),
            to(food, 'legalPerson'),
            to(hygiene, 'legalPerson'),
            to(sign, 'legalPerson'),
          ],
        },
        {
          id: 'idNumber',
          title: '经营者身份证号码',
          titleEn: 'Operator ID number',
          type: 'string',
          required: true,
          mapsTo: [to(geti, 'idNumber')],
        },
        {
          id: 'phone',
          title: '联系电话',
          titleEn: 'Phone',
          type: 'string',
          required: true,
          mapsTo: [to(geti, 'phone'), to(food, 'phone'), to(hygiene, 'phone'), to(sign, 'phone')],
        },
        {
          id: 'shopName',
          title: '店铺名称（个体工商户名称）',
          titleEn: 'Shop name',
          type: 'string',
          required: true,
          mapsTo: [to(geti, 'tradeName'), to(food, 'entityName'), to(hygiene, 'entityName'), to(sign, 'entityName')],
        },
        {
          id: 'premises',
          title: '经营场所',
          titleEn: 'Premises',
          type: 'string',
          required: true,
          mapsTo: [to(geti, 'premises'), to(food, 'premises'), to(hygiene, 'premises'), to(sign, 'location')],
        },
        {
          id: 'businessScope',
          title: '经营范围（经营项目）',
          titleEn: 'Business scope',
          type: 'string',
          required: true,
          mapsTo: [to(geti, 'businessScope'), to(food, 'businessScope')],
        },
        {
          id: 'placeCategory',
          title: '公共场所类别（如适用）',
          titleEn: 'Public place category (if any)',
          type: 'string',
          required: false,
          mapsTo: [to(hygiene, 'category')],
        },
        {
          id: 'signSize',
          title: '招牌规格（米，如适用）',
          titleEn: 'Sign size in metres (if any)',
          type: 'string',
          required: false,
          mapsTo: [to(sign, 'size')],
        },
        {
          id: 'signPeriod',
          title: '招牌设置期限（如适用）',
          titleEn: 'Sign period (if any)',
          type: 'string',
          required: false,
          mapsTo: [to(sign, 'period')],
        },
      ],
      materials: [
        {
          code: 'M01',
          name: '个体工商户登记申请书',
          fulfilment: 'UPLOAD',
          satisfies: [sat(geti, '个体工商户登记申请书')],
        },
        { code: 'M02', name: '经营者身份证明', fulfilment: 'UPLOAD', satisfies: [sat(geti, '经营者身份证明')] },
        {
          code: 'M03',
          name: '经营场所使用证明',
          fulfilment: 'COMMITMENT',
          satisfies: [sat(geti, '经营场所使用证明'), sat(sign, '场地使用证明')],
        },
        {
          code: 'M04',
          name: '营业执照',
          fulfilment: 'RESULT',
          producedBy: geti.taskCode,
          satisfies: [sat(food, '营业执照复印件'), sat(hygiene, '营业执照')],
        },
        { code: 'M05', name: '食品经营许可申请书', fulfilment: 'UPLOAD', satisfies: [sat(food, '食品经营许可申请书')] },
        {
          code: 'M06',
          name: '经营场所平面布局图',
          fulfilment: 'UPLOAD',
          satisfies: [sat(food, '经营场所平面布局图和设备布局图'), sat(hygiene, '场所平面图及卫生设施说明')],
        },
        {
          code: 'M07',
          name: '食品安全与卫生管理制度',
          fulfilment: 'COMMITMENT',
          satisfies: [sat(food, '食品安全规章制度'), sat(hygiene, '卫生管理制度')],
        },
        {
          code: 'M08',
          name: '公共场所卫生许可申请表',
          fulfilment: 'UPLOAD',
          satisfies: [sat(hygiene, '公共场所卫生许可申请表')],
        },
        { code: 'M09', name: '户外广告设置申请表', fulfilment: 'UPLOAD', satisfies: [sat(sign, '户外广告设置申请表')] },
        {
          code: 'M10',
          name: '招牌效果图及结构图',
          fulfilment: 'UPLOAD',
          satisfies: [sat(sign, '广告设施效果图及结构图')],
        },
      ],
      jointDeadlineDays: 10,
    },
    {
      code: 'XSECS',
      name: '新生儿出生一件事',
      nameEn: 'Birth of a child',
      description: '出生医学证明、生育登记和新生儿入户一次申请：出生医学证明签发后，入户申请自动提交。',
      theme: '人生一件事',
      leadDepartmentId: birthCert.departmentId,
      applicantTypes: ['person'],
      scenarios: [],
      members: [
        { taskCode: birthCert.taskCode },
        { taskCode: fertility.taskCode },
        { taskCode: hukou.taskCode, dependsOn: [birthCert.taskCode] },
      ],
      form: [
        {
          id: 'babyName',
          title: '新生儿姓名',
          titleEn: "Baby's name",
          type: 'string',
          required: true,
          mapsTo: [to(birthCert, 'babyName'), to(hukou, 'babyName')],
        },
        {
          id: 'birthDate',
          title: '出生日期',
          titleEn: 'Date of birth',
          type: 'string',
          format: 'date',
          required: true,
          mapsTo: [to(birthCert, 'birthDate'), to(hukou, 'birthDate'), to(fertility, 'expectedDate')],
        },
        {
          id: 'motherName',
          title: '母亲姓名',
          titleEn: "Mother's name",
          type: 'string',
          required: true,
          mapsTo: [to(birthCert, 'motherName'), to(fertility, 'applicantName')],
        },
        {
          id: 'fatherName',
          title: '父亲姓名',
          titleEn: "Father's name",
          type: 'string',
          required: true,
          mapsTo: [to(birthCert, 'fatherName'), to(fertility, 'spouseName')],
        },
        {
          id: 'idNumber',
          title: '母亲身份证号码',
          titleEn: "Mother's ID number",
          type: 'string',
          required: true,
          mapsTo: [to(fertility, 'idNumber')],
        },
        {
          id: 'guardianName',
          title: '申报人姓名',
          titleEn: 'Declarant name',
          type: 'string',
          required: true,
          mapsTo: [to(hukou, 'guardianName')],
        },
        {
          id: 'phone',
          title: '联系电话',
          titleEn: 'Phone',
          type: 'string',
          required: true,
          mapsTo: [to(hukou, 'phone'), to(fertility, 'phone')],
        },
      ],
      materials: [
        {
          code: 'M01',
          name: '出生医学证明首次签发登记表',
          fulfilment: 'UPLOAD',
          satisfies: [sat(birthCert, '出生医学证明首次签发登记表')],
        },
        {
          code: 'M02',
          name: '父母居民身份证',
          fulfilment: 'UPLOAD',
          satisfies: [sat(birthCert, '父母居民身份证'), sat(fertility, '夫妻双方身份证')],
        },
        {
          code: 'M03',
          name: '结婚证',
          fulfilment: 'COMMITMENT',
          satisfies: [sat(fertility, '结婚证'), sat(hukou, '父母结婚证')],
        },
        { code: 'M04', name: '父母居民户口簿', fulfilment: 'UPLOAD', satisfies: [sat(hukou, '父母居民户口簿')] },
        {
          code: 'M05',
          name: '出生医学证明',
          fulfilment: 'RESULT',
          producedBy: birthCert.taskCode,
          satisfies: [sat(hukou, '出生医学证明')],
        },
      ],
      jointDeadlineDays: 5,
    },
  ];
}

/** A one-page PDF (Helvetica, ASCII text) with a correct cross-reference table. */
export function demoPdf(text: string): Buffer {
  const safe = text.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, '?');
  const stream = `BT /F1 14 Tf 60 760 Td (${safe}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** State paths (action, resulting state) from DRAFT, as the workflow walks them. */
const PATH: [string, State][] = [
  ['submit', 'SUBMITTED'],
  ['pre_review', 'PRE_REVIEW'],
  ['receive', 'RECEIVED'],
  ['accept', 'ACCEPTED'],
  ['start_review', 'REVIEWING'],
  ['approve', 'DECIDED'],
  ['conclude', 'COMPLETED'],
  ['deliver', 'DELIVERED'],
];
const SIDE: Partial<Record<State, [number, [string, State][]]>> = {
  PRE_REVIEW_RETURNED: [2, [['return', 'PRE_REVIEW_RETURNED']]],
  SUPPLEMENT_NOTICE: [3, [['request_supplement', 'SUPPLEMENT_NOTICE']]],
  NOT_ACCEPTED: [3, [['refuse', 'NOT_ACCEPTED']]],
  SUSPENDED: [5, [['suspend', 'SUSPENDED']]],
  WITHDRAWN: [3, [['withdraw', 'WITHDRAWN']]],
  VOIDED: [2, [['void', 'VOIDED']]],
};
const REASONS: Record<string, string> = {
  return: '申请表未签名，请补充后重新提交',
  request_supplement: '请一次性补正：经营场所使用证明',
  refuse: '申请事项不属于本机关职权范围',
  suspend: '需组织专家评审（特别程序）',
  deny: '不符合法定条件',
  void: '申请人重复提交',
};
/** How many historical cases end in each state (about 300 in all). */
const MIX: [State, number][] = [
  ['DELIVERED', 95],
  ['COMPLETED', 30],
  ['DECIDED', 10],
  ['REVIEWING', 34],
  ['ACCEPTED', 24],
  ['SUSPENDED', 8],
  ['RECEIVED', 14],
  ['SUPPLEMENT_NOTICE', 10],
  ['PRE_REVIEW', 12],
  ['SUBMITTED', 18],
  ['PRE_REVIEW_RETURNED', 5],
  ['NOT_ACCEPTED', 9],
  ['WITHDRAWN', 8],
  ['VOIDED', 4],
  ['DRAFT', 8],
];

function pathTo(state: State): [string, State][] {
  if (state === 'DRAFT') return [];
  const side = SIDE[state];
  if (side) return [...PATH.slice(0, side[0]), ...side[1]];
  return PATH.slice(0, PATH.findIndex(([, s]) => s === state) + 1);
}

/** Rows with the same columns (absent ones null), as a multi-row insert needs. */
function normalise(rows: Record<string, any>[]): Record<string, any>[] {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null])));
}

export async function seed(p: Platform, log: (line: string) => void): Promise<void> {
  const existing = await p.db.selectFrom('bundles').select('code').limit(1).execute();
  if (existing.length) return;
  const ctx = systemCtx('seed');
  const definitions = await bundleDefinitions(p);
  await p.db.transaction().execute(async (tx) => {
    for (const b of definitions) await upsertBundle(tx, ctx, b);
  });

  if (!p.config.seedDemoCases) {
    log('  cases: 2 bundles (historical demo cases off: SEED_DEMO_CASES=false)');
    return;
  }
  // Demo citizens (password Citizen#2026) and their historical cases.
  const citizens: { id: string; name: string; phone: string }[] = [];
  for (const c of DEMO_CITIZENS)
    citizens.push({
      id: await registerAccount(p, ctx, {
        type: 'person',
        name: c.name,
        idNumber: c.idNumber,
        phone: c.phone,
        password: DEMO_CITIZEN_PASSWORD,
      }),
      name: c.name,
      phone: c.phone,
    });

  const found = await searchPublishedItems(p.db, { serviceObject: 'person', page: 1, pageSize: 200 });
  const items: CatalogItem[] = [];
  for (const s of found.items) {
    const it = await latestPublishedItem(p.db, s.taskCode);
    if (it) items.push(it);
  }
  if (!items.length) return;
  const cal = await loadCalendar(p.db);
  const staffNames = ['陈晓玲', '黄志强', '梁嘉怡', '李建华'];
  const now = Date.now();
  let n = 0;
  await p.db.transaction().execute(async (tx) => {
    const files = new Map<string, string>();
    for (const c of citizens) {
      const content = demoPdf(`Yiwang demo material of applicant ${c.id.slice(0, 8)}`);
      const id = crypto.randomUUID();
      await tx
        .insertInto('case_files')
        .values({
          id,
          owner_account_id: c.id,
          name: '申请材料.pdf',
          mime: 'application/pdf',
          size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          content,
        })
        .execute();
      files.set(c.id, id);
    }
    const caseRows: Record<string, any>[] = [];
    const eventRows: Record<string, any>[] = [];
    for (const [state, count] of MIX)
      for (let k = 0; k < count; k++) {
        n++;
        const item = items[n % items.length]!;
        const who = citizens[n % citizens.length]!;
        const steps = pathTo(state);
        // Open cases are recent; concluded ones spread over the last 120 days.
        const ageDays = ['DELIVERED', 'COMPLETED', 'NOT_ACCEPTED', 'WITHDRAWN', 'VOIDED'].includes(state)
          ? 10 + randomInt(0, 110)
          : state === 'RECEIVED'
            ? 0 // received today: the §32 five working days are still running
            : randomInt(0, 12);
        let t = now - ageDays * 86_400_000 - randomInt(0, 8 * 3600_000);
        const created = new Date(t);
        const id = crypto.randomUUID();
        const serialNo = `YW${dayOf(created).replaceAll('-', '')}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
        const fileRow = { id: files.get(who.id)!, name: '申请材料.pdf', size: 0, mime: 'application/pdf', sha256: '' };
        const materials: ProvidedMaterial[] = item.materials.map((m) => ({
          name: m.name,
          required: m.required,
          fulfilment: m.fulfilment,
          status: 'provided',
          files: m.fulfilment === 'COMMITMENT' ? [] : [fileRow],
          ...(m.fulfilment === 'COMMITMENT' ? { commitment: true } : {}),
          evidence: { kind: m.fulfilment, at: created.toISOString() },
        }));
        const formData = Object.fromEntries(
          Object.keys(((item.formSchema as any)?.properties ?? {}) as object).map((f) => [
            f,
            /phone/i.test(f)
              ? who.phone
              : /name/i.test(f)
                ? who.name
                : /date/i.test(f)
                  ? dayOf(created)
                  : '佛山市禅城区',
          ]),
        );
        const row: Record<string, any> = {
          id,
          serial_no: serialNo,
          query_password_hash: hmac(
            p.config.secretKey,
            `case-query:${serialNo}:${String(randomInt(0, 1_000_000)).padStart(6, '0')}`,
          ),
          task_code: item.taskCode,
          task_version: item.taskVersion,
          item_name: item.name,
          department_id: item.departmentId,
          region_code: item.regionCode,
          applicant_account_id: who.id,
          applicant_type: 'person',
          applicant_name: who.name,
          form_data: JSON.stringify(formData),
          materials: JSON.stringify(materials),
          steps: JSON.stringify(
            item.steps.map((s) => ({
              name: s.name,
              role: s.role ?? null,
              days: s.days,
              unit: s.unit,
              countersign: [],
              done: null,
            })),
          ),
          current_step: item.steps.length ? 0 : null,
          procedures: '[]',
          pauses: '[]',
          extended_days: 0,
          state,
          promised_limit: item.promisedLimit,
          promised_unit: item.promisedUnit,
          statutory_limit: item.statutoryLimit,
          statutory_unit: item.statutoryUnit,
          created_at: created.toISOString(),
        };
        const events: Record<string, any>[] = [
          {
            seq: 1,
            from_state: null,
            to_state: 'DRAFT',
            action: 'create',
            actor_id: who.id,
            actor_name: who.name,
            at: created.toISOString(),
          },
        ];
        let prev: State = 'DRAFT';
        for (const [step, to] of steps) {
          const action = step === 'approve' && n % 9 === 0 ? 'deny' : step;
          // Later than the event before (a case created in the last hour once had its later
          // events before its creation), and not in the future.
          const before = new Date(events.at(-1)!.at).getTime();
          t += randomInt(1, 20) * 3600_000;
          if (t > now) t = Math.max(before + 1000, now - randomInt(1, 600_000));
          t = Math.max(t, before + 1000);
          const at = new Date(t);
          const applicant = ['submit', 'withdraw', 'resubmit', 'supplement'].includes(action);
          events.push({
            seq: events.length + 1,
            from_state: prev,
            to_state: to,
            action,
            actor_id: applicant ? who.id : null,
            actor_name: applicant ? who.name : staffNames[n % staffNames.length],
            reason: REASONS[action] ?? null,
            at: at.toISOString(),
          });
          if (action === 'receive') row.received_at = at.toISOString();
          if (action === 'accept') {
            row.accepted_at = at.toISOString();
            row.due_day = limitEnd(cal, at, item.promisedLimit, item.promisedUnit);
            row.statutory_due_day = limitEnd(cal, at, item.statutoryLimit, item.statutoryUnit);
            row.warn_day = warnDayOf(cal, dayOf(at), row.due_day, item.promisedUnit);
          }
          if (action === 'suspend') {
            row.suspended_since = at.toISOString();
            row.procedures = JSON.stringify([
              {
                type: 'expert_review',
                reason: REASONS.suspend,
                start: at.toISOString(),
                end: null,
                notifiedAt: at.toISOString(),
              },
            ]);
          }
          if (action === 'request_supplement')
            row.supplement = JSON.stringify({
              items: [{ material: item.materials[0]?.name ?? '申请材料', note: '请提供清晰完整的材料' }],
              requestedAt: at.toISOString(),
            });
          if (action === 'approve') row.outcome = 'APPROVED';
          if (action === 'deny') row.outcome = 'DENIED';
          prev = to;
        }
        row.updated_at = events.at(-1)!.at;
        row.version = events.length;
        caseRows.push(row);
        // The rules run for historical cases too: §32 for received ones, deadline flags for running clocks.
        if (state === 'RECEIVED') {
          const last = cal.addWorkingDays(dayOf(new Date(row.received_at)), SUPPLEMENT_NOTICE_DAYS);
          await enqueue(
            tx,
            AUTO_ACCEPT_QUEUE,
            { caseId: id },
            { runAt: endOfDayOf(last), uniqueKey: `auto_accept:${id}:${row.version}` },
          );
        }
        if (['ACCEPTED', 'REVIEWING'].includes(state) && row.due_day) {
          await enqueue(
            tx,
            DEADLINE_QUEUE,
            { caseId: id, kind: 'warning', dueDay: row.due_day },
            { runAt: parseDay(row.warn_day), uniqueKey: `deadline:${id}:warning:${row.due_day}` },
          );
          await enqueue(
            tx,
            DEADLINE_QUEUE,
            { caseId: id, kind: 'overdue', dueDay: row.due_day },
            { runAt: endOfDayOf(row.due_day), uniqueKey: `deadline:${id}:overdue:${row.due_day}` },
          );
        }
        for (const e of events) eventRows.push({ case_id: id, ...e, reason: e.reason ?? null, detail: null });
      }
    for (let i = 0; i < caseRows.length; i += 100)
      await tx
        .insertInto('cases')
        .values(normalise(caseRows.slice(i, i + 100)))
        .execute();
    for (let i = 0; i < eventRows.length; i += 500)
      await tx
        .insertInto('case_events')
        .values(normalise(eventRows.slice(i, i + 500)))
        .execute();
    await writeAudit(tx, ctx, {
      action: 'cases.seed',
      objectType: 'case',
      objectId: 'demo',
      detail: { cases: n, citizens: citizens.length },
    });
  });
  log(
    `  cases: 2 bundles, ${citizens.length} demo citizens (password ${DEMO_CITIZEN_PASSWORD}), ${n} historical cases`,
  );
}
