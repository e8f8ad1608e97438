/**
 * Electronic licences and seals (电子证照、电子印章): seals with certificates from the platform CA,
 * licence types (证照目录), issuance (automatic on an approved case, or by hand), versions,
 * revocation, the holder's wallet, authorised copies (加注件), show tokens (亮证), verification and
 * the trust list of other nodes. Every write and every read of personal data is audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accountHolder, accountIdByHolderCode } from '@yiwang/identity';
import { getDepartment } from '@yiwang/org';
import {
  AppError,
  authorize,
  badRequest,
  type Ctx,
  can,
  conflict,
  type Db,
  enqueue,
  forbidden,
  hmac,
  notFound,
  notify,
  type Platform,
  requireSignedIn,
  scopesOf,
  seal as sealText,
  sha256,
  type Tx,
  unseal,
  writeAudit,
  writeAuditGrouped,
} from '@yiwang/platform';
import {
  checkCreditCode,
  divisionPrefix,
  licenceIdentifier,
  maskIdNumber,
  maskName,
  parseLicenceIdentifier,
} from '@yiwang/shared';
import { Ajv } from 'ajv';
import { sql } from 'kysely';
import { ensureCa, pemFingerprint, sealKey, trustedAnchors, unsealKey } from './keys.ts';
import { renderLicencePdf } from './pdf/render.ts';
import { sealSvg } from './pdf/seal.ts';
import { signPdf } from './pdf/sign.ts';
import { verifyPdfSignature } from './pdf/verify.ts';
import { certificateInfo, issueSealCertificate } from './pki/ca.ts';
import { generateKeyPair, publicKeyVerifier, type SealAlgorithm, signData } from './pki/keys.ts';
import {
  DISCLOSABLE,
  type LicenceType,
  type LicenceTypeInput,
  type LicenceView,
  SEAL_ALGORITHMS,
  SEAL_TYPES,
  type SealType,
  type SealView,
  type VerifyAnswer,
} from './types.ts';
import { issueLicenceCredential, issuerControllerDocument, issuerDid } from './vc.ts';

export const MANAGE = 'licences.manage';
export const ISSUE = 'licences.issue';
export const READ = 'licences.read';
export const ISSUE_QUEUE = 'licences.issue_for_case';

const nodeName = (p: Platform) => (p.config as any).nodeName ?? '一网';
const today = () => new Date().toISOString().slice(0, 10);
const holderHash = (p: Platform, code: string) => hmac(p.config.secretKey, `licence-holder:${code}`);

function maskCode(code: string, codeType: string): string {
  return codeType === '111' ? maskIdNumber(code) : code;
}

// ---------------------------------------------------------------- seals

function toSealView(r: any, departmentName: string): SealView {
  return {
    id: r.id,
    departmentId: r.department_id,
    departmentName,
    name: r.name,
    sealType: r.seal_type,
    algorithm: r.algorithm,
    status: r.status,
    statusReason: r.status_reason ?? null,
    validFrom: new Date(r.valid_from).toISOString(),
    validTo: new Date(r.valid_to).toISOString(),
    certSerial: r.cert_serial,
    certFingerprint: r.cert_fingerprint,
    certPem: r.cert_pem,
    pictureKind: r.picture_kind,
    picture:
      r.picture_kind === 'uploaded' && r.picture_png
        ? `data:image/png;base64,${Buffer.from(r.picture_png).toString('base64')}`
        : `data:image/svg+xml;base64,${Buffer.from(r.picture_svg ?? '').toString('base64')}`,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export interface SealInput {
  departmentId: string;
  name?: string;
  sealType: SealType;
  algorithm: SealAlgorithm;
  validFrom?: string;
  validTo: string;
  /** An uploaded seal picture (PNG, base64); absent → the round red seal is generated. */
  picturePng?: string | null;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Creates a seal: a key pair, a certificate from the platform's issuing CA and a picture. */
export async function createSeal(p: Platform, ctx: Ctx, input: SealInput): Promise<SealView> {
  const dep = await getDepartment(p.db, input.departmentId);
  if (!dep) throw badRequest('DEPARTMENT_UNKNOWN', '部门不存在', 'Unknown department', 'departmentId');
  authorize(ctx, MANAGE, { regionCode: dep.regionCode, departmentId: dep.id });
  if (!SEAL_ALGORITHMS.includes(input.algorithm))
    throw badRequest(
      'VALIDATION',
      '签名算法应为 ED25519、P256 或 SM2',
      'algorithm must be ED25519, P256 or SM2',
      'algorithm',
    );
  if (!SEAL_TYPES.includes(input.sealType))
    throw badRequest('VALIDATION', '印章类型不正确', 'sealType must be official, approval or licence', 'sealType');
  const validFrom = input.validFrom ? new Date(input.validFrom) : new Date();
  const validTo = new Date(input.validTo);
  if (Number.isNaN(validFrom.getTime()))
    throw badRequest('VALIDATION', '生效时间格式不正确', 'validFrom is not a date', 'validFrom');
  if (Number.isNaN(validTo.getTime()) || validTo <= validFrom)
    throw badRequest('VALIDATION', '失效时间应晚于生效时间', 'validTo must be after validFrom', 'validTo');
  let png: Buffer | null = null;
  if (input.picturePng) {
    png = Buffer.from(input.picturePng, 'base64');
    if (png.length > 2 * 1024 * 1024 || !png.subarray(0, 8).equals(PNG_MAGIC))
      throw badRequest(
        'VALIDATION',
        '印章图片应为不超过 2MB 的 PNG',
        'The seal picture must be a PNG up to 2 MB',
        'picturePng',
      );
  }
  const ca = await ensureCa(p.db, p.config, nodeName(p));
  const keys = generateKeyPair(input.algorithm);
  const serialNumber = randomBytes(12).toString('hex');
  const certPem = await issueSealCertificate(ca.issuing, {
    algorithm: input.algorithm,
    publicKeyPem: keys.publicKeyPem,
    commonName: input.name?.trim() || dep.name,
    organization: dep.name,
    creditCode: dep.creditCode,
    notBefore: validFrom,
    notAfter: validTo,
    serialNumber,
  });
  const name = input.name?.trim() || `${dep.name}${SEAL_TYPE_NAMES[input.sealType]}`;
  const row = {
    id: crypto.randomUUID(),
    department_id: dep.id,
    name,
    seal_type: input.sealType,
    algorithm: input.algorithm,
    public_key_pem: keys.publicKeyPem,
    private_key_sealed: sealKey(p.config, keys.privateKeyPem),
    cert_pem: certPem,
    cert_serial: certificateInfo(certPem).serialNumber,
    cert_fingerprint: pemFingerprint(certPem),
    picture_kind: png ? 'uploaded' : 'generated',
    picture_svg: png ? null : sealSvg(dep.name, { subtitle: SEAL_SUBTITLES[input.sealType] }),
    picture_png: png,
    valid_from: validFrom.toISOString(),
    valid_to: validTo.toISOString(),
    created_by: ctx.caller.accountId,
  };
  await p.db.transaction().execute(async (tx) => {
    await tx.insertInto('seals').values(row).execute();
    await writeAudit(tx, ctx, {
      action: 'licences.seal.create',
      objectType: 'seal',
      objectId: row.id,
      detail: { departmentId: dep.id, algorithm: input.algorithm, certSerial: row.cert_serial },
    });
  });
  return toSealView({ ...row, status: 'active', created_at: new Date() }, dep.name);
}

const SEAL_TYPE_NAMES: Record<SealType, string> = {
  official: '公章',
  approval: '行政审批专用章',
  licence: '电子证照专用章',
};
const SEAL_SUBTITLES: Record<SealType, string | undefined> = {
  official: undefined,
  approval: '行政审批专用章',
  licence: '电子证照专用章',
};

export async function listSeals(p: Platform, ctx: Ctx, q: { departmentId?: string }) {
  requireSignedIn(ctx);
  const scopes = scopesOf(ctx.caller, MANAGE) ?? null;
  const issueScopes = scopesOf(ctx.caller, ISSUE) ?? null;
  if (scopes?.length === 0 && issueScopes?.length === 0 && scopes !== null && issueScopes !== null) throw forbidden();
  let query = p.db
    .selectFrom('seals')
    .innerJoin('departments', 'departments.id', 'seals.department_id')
    .selectAll('seals')
    .select(['departments.name as department_name', 'departments.region_code as department_region'])
    .orderBy('seals.created_at', 'desc');
  if (q.departmentId) query = query.where('seals.department_id', '=', q.departmentId);
  const rows = await query.execute();
  return rows
    .filter(
      (r: any) =>
        can(ctx.caller, MANAGE, { regionCode: r.department_region, departmentId: r.department_id }) ||
        can(ctx.caller, ISSUE, { regionCode: r.department_region, departmentId: r.department_id }),
    )
    .map((r: any) => toSealView(r, r.department_name));
}

/** Suspends, reactivates or revokes a seal; revocation is final. */
export async function setSealStatus(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { status: 'active' | 'suspended' | 'revoked'; reason?: string | null },
) {
  const r = await p.db
    .selectFrom('seals')
    .innerJoin('departments', 'departments.id', 'seals.department_id')
    .selectAll('seals')
    .select(['departments.name as department_name', 'departments.region_code as department_region'])
    .where('seals.id', '=', id)
    .executeTakeFirst();
  if (!r) throw notFound('seal', '印章');
  authorize(ctx, MANAGE, { regionCode: r.department_region, departmentId: r.department_id });
  if (r.status === 'revoked') throw conflict('SEAL_REVOKED', '印章已注销，不能再变更', 'The seal is revoked for good');
  if (input.status !== 'active' && !input.reason?.trim())
    throw badRequest('REASON_REQUIRED', '请填写原因', 'A reason is required', 'reason');
  await p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('seals')
      .set({
        status: input.status,
        status_reason: input.reason?.trim() || null,
        status_changed_at: new Date().toISOString(),
        version: sql`version + 1`,
      })
      .where('id', '=', id)
      .where('version', '=', r.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict('CONCURRENT_UPDATE', '印章已被他人修改，请刷新', 'The seal was changed meanwhile; reload');
    await writeAudit(tx, ctx, {
      action: `licences.seal.${input.status === 'active' ? 'activate' : input.status === 'suspended' ? 'suspend' : 'revoke'}`,
      objectType: 'seal',
      objectId: id,
      detail: { reason: input.reason ?? null },
    });
  });
  sealKeyCache.delete(id);
  return { ...toSealView({ ...r, status: input.status, status_reason: input.reason ?? null }, r.department_name) };
}

interface SigningSeal {
  id: string;
  algorithm: SealAlgorithm;
  privateKeyPem: string;
  certPem: string;
  publicKeyPem: string;
  name: string;
  departmentName: string;
  pictureSvg: string | null;
  picturePng: Buffer | null;
}

const sealKeyCache = new Map<
  string,
  { publicKeyPem: string; algorithm: SealAlgorithm; verify: (data: Uint8Array, sig: Uint8Array) => boolean }
>();

/**
 * The department's seal that may sign now: active, within its validity (and its certificate's).
 * An expired or suspended seal refuses to sign: 409 NO_VALID_SEAL.
 */
async function signingSeal(
  p: Platform,
  db: Db | Tx,
  departmentId: string,
  preferred?: SealAlgorithm,
): Promise<SigningSeal> {
  const rows = await db
    .selectFrom('seals')
    .innerJoin('departments', 'departments.id', 'seals.department_id')
    .selectAll('seals')
    .select('departments.name as department_name')
    .where('seals.department_id', '=', departmentId)
    .where('seals.status', '=', 'active')
    .where(sql<boolean>`seals.valid_from <= now() and seals.valid_to > now()`)
    .orderBy('seals.created_at', 'desc')
    .execute();
  const pick = rows.find((r: any) => !preferred || r.algorithm === preferred) ?? rows[0];
  if (!pick)
    throw conflict(
      'NO_VALID_SEAL',
      '本部门没有有效的电子印章（已过期、暂停或未创建），不能签发',
      'The department has no valid seal (expired, suspended or none): cannot sign',
    );
  return {
    id: pick.id,
    algorithm: pick.algorithm,
    privateKeyPem: unsealKey(p.config, pick.private_key_sealed),
    certPem: pick.cert_pem,
    publicKeyPem: pick.public_key_pem,
    name: pick.name,
    departmentName: pick.department_name,
    pictureSvg: pick.picture_svg ?? null,
    picturePng: pick.picture_png ? Buffer.from(pick.picture_png) : null,
  };
}

async function sealPublicKey(db: Db, sealId: string) {
  let k = sealKeyCache.get(sealId);
  if (!k) {
    const r = await db
      .selectFrom('seals')
      .select(['public_key_pem', 'algorithm'])
      .where('id', '=', sealId)
      .executeTakeFirst();
    if (!r) return null;
    k = {
      publicKeyPem: r.public_key_pem,
      algorithm: r.algorithm,
      verify: publicKeyVerifier(r.algorithm, r.public_key_pem),
    };
    sealKeyCache.set(sealId, k!);
  }
  return k;
}

// ---------------------------------------------------------------- licence types

const ajv = new Ajv({ strict: false });

function toType(r: any): LicenceType {
  return {
    id: r.id,
    typeCode: r.type_code,
    name: r.name,
    nameEn: r.name_en ?? null,
    authorityName: r.authority_name,
    authorityCode: r.authority_code,
    holderKind: r.holder_kind,
    metadataSchema: typeof r.metadata_schema === 'string' ? JSON.parse(r.metadata_schema) : r.metadata_schema,
    template: typeof r.template === 'string' ? JSON.parse(r.template) : r.template,
    validityYears: r.validity_years ?? null,
    issuingDepartmentIds: r.issuing_department_ids ?? [],
    taskCodes: r.task_codes ?? [],
    status: r.status,
  };
}

function checkType(input: LicenceTypeInput) {
  const bad = (field: string, zh: string, en: string) => badRequest('VALIDATION', zh, en, field);
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/.test(input.typeCode))
    throw bad(
      'typeCode',
      '证照类型代码应为定义机构统一社会信用代码（18 位）加 3 位顺序码',
      'typeCode must be the defining authority credit code (18) + a 3-digit sequence',
    );
  if (input.typeCode.slice(0, 18) !== input.authorityCode)
    throw bad('typeCode', '证照类型代码应以定义机构的统一社会信用代码开头', 'typeCode must start with authorityCode');
  if (checkCreditCode(input.authorityCode))
    throw bad('authorityCode', '定义机构统一社会信用代码不正确（校验位）', 'authorityCode is not a valid credit code');
  if (!input.name.trim()) throw bad('name', '请填写证照名称', 'name is required');
  if (input.metadataSchema?.type !== 'object' || typeof input.metadataSchema.properties !== 'object')
    throw bad(
      'metadataSchema',
      '元数据模式应为 type=object 的 JSON Schema',
      'metadataSchema must be an object JSON Schema',
    );
  try {
    ajv.compile(input.metadataSchema);
  } catch (e) {
    throw bad(
      'metadataSchema',
      `元数据模式无效：${(e as Error).message}`,
      `metadataSchema is invalid: ${(e as Error).message}`,
    );
  }
  const props = input.metadataSchema.properties as Record<string, unknown>;
  input.template.fields.forEach((f, i) => {
    if (!(f.key in props))
      throw bad(
        `template.fields.${i}.key`,
        `版式字段 ${f.key} 不在元数据模式中`,
        `Template field ${f.key} is not in metadataSchema`,
      );
  });
  if (input.validityYears != null && (input.validityYears < 1 || input.validityYears > 99))
    throw bad('validityYears', '有效期年限应为 1–99', 'validityYears must be 1–99');
  if (input.issuingDepartmentIds.length === 0)
    throw bad('issuingDepartmentIds', '至少指定一个颁证部门', 'At least one issuing department');
}

export async function createType(p: Platform, ctx: Ctx, input: LicenceTypeInput): Promise<LicenceType> {
  authorize(ctx, MANAGE);
  checkType(input);
  for (const [i, id] of input.issuingDepartmentIds.entries())
    if (!(await getDepartment(p.db, id)))
      throw badRequest(
        'DEPARTMENT_UNKNOWN',
        '颁证部门不存在',
        'Unknown issuing department',
        `issuingDepartmentIds.${i}`,
      );
  const id = crypto.randomUUID();
  await p.db.transaction().execute(async (tx) => {
    const dup = await tx
      .selectFrom('licence_types')
      .select('id')
      .where('type_code', '=', input.typeCode)
      .executeTakeFirst();
    if (dup) throw conflict('TYPE_CODE_TAKEN', '证照类型代码已存在', 'The licence type code exists', 'typeCode');
    await tx.insertInto('licence_types').values(typeRow(id, input)).execute();
    await writeAudit(tx, ctx, {
      action: 'licences.type.create',
      objectType: 'licence_type',
      objectId: id,
      detail: { typeCode: input.typeCode },
    });
  });
  return { ...input, id, status: 'active' };
}

function typeRow(id: string, input: LicenceTypeInput) {
  return {
    id,
    type_code: input.typeCode,
    name: input.name.trim(),
    name_en: input.nameEn?.trim() || null,
    authority_name: input.authorityName.trim(),
    authority_code: input.authorityCode,
    holder_kind: input.holderKind,
    metadata_schema: JSON.stringify(input.metadataSchema),
    template: JSON.stringify(input.template),
    validity_years: input.validityYears ?? null,
    issuing_department_ids: JSON.stringify(input.issuingDepartmentIds),
    task_codes: JSON.stringify(input.taskCodes),
  };
}

/** Changes a licence type; `status: 'retired'` stops new issuance (issued licences stay as they are). */
export async function updateType(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: LicenceTypeInput & { status?: 'active' | 'retired' },
): Promise<LicenceType> {
  authorize(ctx, MANAGE);
  checkType(input);
  const cur = await p.db.selectFrom('licence_types').selectAll().where('id', '=', id).executeTakeFirst();
  if (!cur) throw notFound('licence type', '证照类型');
  if (cur.type_code !== input.typeCode)
    throw badRequest('TYPE_CODE_FIXED', '证照类型代码不能修改', 'The type code cannot change', 'typeCode');
  await p.db.transaction().execute(async (tx) => {
    const { id: _id, ...row } = typeRow(id, input);
    await tx
      .updateTable('licence_types')
      .set({ ...row, status: input.status ?? cur.status, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, ctx, {
      action: 'licences.type.update',
      objectType: 'licence_type',
      objectId: id,
      detail: { status: input.status ?? cur.status },
    });
  });
  const { status: _s, ...rest } = input;
  return { ...rest, id, status: input.status ?? cur.status };
}

export async function listTypes(p: Platform): Promise<LicenceType[]> {
  const rows = await p.db.selectFrom('licence_types').selectAll().orderBy('type_code').execute();
  return rows.map(toType);
}

async function typeById(db: Db | Tx, id: string): Promise<LicenceType | null> {
  const r = await db.selectFrom('licence_types').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toType(r) : null;
}

// ---------------------------------------------------------------- issuance

export interface IssueInput {
  typeId: string;
  /** The issuing department; must be one of the type's issuing departments. */
  departmentId: string;
  holder: { accountId?: string | null; name: string; code: string; codeType: '111' | '001' };
  data: Record<string, unknown>;
  validFrom?: string | null;
  validTo?: string | null;
  caseId?: string | null;
  taskCode?: string | null;
  taskName?: string | null;
  /** A licence this one renews or changes (new version of the same number). */
  previousId?: string | null;
  reason?: string | null;
}

/** The metadata that the record signature covers (status is not: it changes by revocation). */
export function signedRecord(r: {
  identifier: string;
  type_id: string;
  licence_number: string;
  version: number;
  issuer_code: string;
  holder_name: string;
  holder_code_hmac: string;
  issue_date: string;
  valid_from: string;
  valid_to: string | null;
  jurisdiction_code: string;
  data: unknown;
  pdf_sha256: string;
}): Buffer {
  return Buffer.from(
    JSON.stringify([
      'yiwang-licence-v1',
      r.identifier,
      r.type_id,
      r.licence_number,
      r.version,
      r.issuer_code,
      r.holder_name,
      r.holder_code_hmac,
      r.issue_date,
      r.valid_from,
      r.valid_to,
      r.jurisdiction_code,
      canonicalJson(typeof r.data === 'string' ? JSON.parse(r.data) : r.data),
      r.pdf_sha256,
    ]),
  );
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

function addYears(day: string, years: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function verifyUrl(p: Platform, identifier: string) {
  return `${p.config.publicUrl}/verify/${encodeURIComponent(identifier)}`;
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(formatValue).join('、');
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Issues a licence inside `tx` (the caller authorised it): number, identifier, signed PDF, record signature. */
async function issueInTx(
  p: Platform,
  tx: Tx,
  ctx: Ctx,
  input: IssueInput,
): Promise<{ id: string; identifier: string }> {
  const type = await typeById(tx, input.typeId);
  if (type?.status !== 'active')
    throw badRequest('TYPE_UNKNOWN', '证照类型不存在或已停用', 'Unknown or retired licence type', 'typeId');
  if (!type.issuingDepartmentIds.includes(input.departmentId)) throw forbiddenIssue();
  const dep = await getDepartment(tx, input.departmentId);
  if (!dep) throw badRequest('DEPARTMENT_UNKNOWN', '部门不存在', 'Unknown department', 'departmentId');
  const errs = validateData(type, input.data);
  if (errs)
    throw badRequest(
      'VALIDATION',
      `证照数据不符合元数据模式：${errs}`,
      `Licence data does not match the type's schema: ${errs}`,
      'data',
    );
  if (!input.holder.name.trim())
    throw badRequest('VALIDATION', '请填写持证主体名称', 'holder.name is required', 'holder.name');

  let previous: any = null;
  if (input.previousId) {
    previous = await tx
      .selectFrom('licences')
      .selectAll()
      .where('id', '=', input.previousId)
      .forUpdate()
      .executeTakeFirst();
    if (!previous || previous.type_id !== type.id)
      throw badRequest(
        'LICENCE_UNKNOWN',
        '要变更或延续的证照不存在',
        'The licence to renew or change does not exist',
        'previousId',
      );
    if (previous.status !== 'valid')
      throw conflict('LICENCE_NOT_VALID', '只能变更或延续有效的证照', 'Only a valid licence can be renewed or changed');
  }
  const seal = await signingSeal(p, tx, dep.id);
  const issueDate = today();
  const validFrom = input.validFrom ?? issueDate;
  const validTo =
    input.validTo !== undefined && input.validTo !== null
      ? input.validTo
      : type.validityYears
        ? addYears(validFrom, type.validityYears)
        : null;
  if (validTo && validTo < validFrom)
    throw badRequest('VALIDATION', '有效期截止日期应不早于起始日期', 'validTo must not be before validFrom', 'validTo');

  let number: string;
  let version = 1;
  if (previous) {
    number = previous.licence_number;
    version = previous.version + 1;
  } else {
    const day = issueDate.replace(/-/g, '');
    const c = await tx
      .insertInto('licence_counters')
      .values({ type_id: type.id, day, seq: 1 })
      .onConflict((oc) => oc.columns(['type_id', 'day']).doUpdateSet({ seq: sql`licence_counters.seq + 1` }))
      .returning('seq')
      .executeTakeFirstOrThrow();
    number = `${dep.regionCode}${day}${String(c.seq).padStart(4, '0')}`;
  }
  const identifier = licenceIdentifier({ typeCode: type.typeCode, issuerCode: dep.creditCode, number, version });
  const holderCodeType = input.holder.codeType;
  const holderCode = input.holder.code.trim();
  const fields = type.template.fields.map((f) => ({ label: f.label, value: formatValue(input.data[f.key]) }));
  const unsigned = await renderLicencePdf({
    title: type.name,
    titleEn: type.nameEn ?? undefined,
    identifier,
    licenceNumber: number,
    holderName: input.holder.name.trim(),
    holderCode: holderCode,
    fields,
    issuerName: dep.name,
    issueDate,
    validFrom,
    validTo: validTo ?? undefined,
    verifyUrl: verifyUrl(p, identifier),
    seal: seal.picturePng ? { png: seal.picturePng } : { departmentName: dep.name },
    metadata: { identifier, typeCode: type.typeCode, licenceNumber: number, version: String(version) },
  });
  const pdf = await signPdf(
    unsigned,
    {
      algorithm: seal.algorithm,
      privateKeyPem: seal.privateKeyPem,
      certPem: seal.certPem,
      chainPems: [(await ensureCa(p.db, p.config, nodeName(p), tx)).issuingPem],
    },
    { reason: `${type.name}（${identifier}）`, location: dep.name, name: seal.name },
  );
  const id = crypto.randomUUID();
  const row = {
    id,
    identifier,
    type_id: type.id,
    licence_number: number,
    version,
    previous_id: previous?.id ?? null,
    issuer_department_id: dep.id,
    issuer_name: dep.name,
    issuer_code: dep.creditCode,
    holder_account_id: input.holder.accountId ?? null,
    holder_name: input.holder.name.trim(),
    holder_code_sealed: sealText(p.config.secretKey, holderCode),
    holder_code_hmac: holderHash(p, holderCode),
    holder_code_masked: maskCode(holderCode, holderCodeType),
    holder_code_type: holderCodeType,
    issue_date: issueDate,
    valid_from: validFrom,
    valid_to: validTo,
    jurisdiction_code: dep.regionCode,
    task_code: input.taskCode ?? null,
    task_name: input.taskName ?? null,
    case_id: input.caseId ?? null,
    data: JSON.stringify(input.data),
    disclosure: JSON.stringify([]),
    seal_id: seal.id,
    pdf,
    pdf_sha256: sha256(pdf),
    created_by: ctx.caller.accountId,
  };
  const recordSignature = signData(
    seal.algorithm,
    seal.privateKeyPem,
    signedRecord({ ...row, data: input.data }),
  ).toString('base64');
  await tx
    .insertInto('licences')
    .values({ ...row, record_signature: recordSignature })
    .execute();
  if (previous)
    await tx
      .updateTable('licences')
      .set({
        status: 'superseded',
        status_reason: input.reason ?? '变更/延续',
        status_changed_at: new Date().toISOString(),
      })
      .where('id', '=', previous.id)
      .execute();
  await writeAudit(tx, ctx, {
    action: previous ? 'licences.licence.renew' : 'licences.licence.issue',
    objectType: 'licence',
    objectId: id,
    detail: {
      identifier,
      typeCode: type.typeCode,
      sealId: seal.id,
      caseId: input.caseId ?? null,
      previousId: previous?.id ?? null,
    },
  });
  if (row.holder_account_id)
    await notify(tx, {
      recipientAccountId: row.holder_account_id,
      kind: 'licences.issued',
      title: `您的${type.name}已签发`,
      titleEn: `Your ${type.nameEn ?? type.name} has been issued`,
      body: `${dep.name}已为您签发电子证照「${type.name}」（编号 ${number}），可在“我的证照”中查看和下载。`,
      bodyEn: `${dep.name} issued the electronic licence "${type.nameEn ?? type.name}" (No. ${number}); see My licences.`,
      link: `/my/licences/${id}`,
      channels: ['inapp'],
    });
  return { id, identifier };
}

const forbiddenIssue = () =>
  Object.assign(
    forbidden(
      'NOT_ISSUING_DEPARTMENT',
      '该部门不是此类证照的颁证单位',
      'The department does not issue this licence type',
    ),
    {
      auditAction: 'denied:licences.issue',
    },
  );

function validateData(type: LicenceType, data: Record<string, unknown>): string | null {
  const v = ajv.compile(type.metadataSchema);
  if (v(data)) return null;
  const e = v.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message}` : 'invalid';
}

/** Issues a licence by hand (e.g. a legacy paper licence made electronic). */
export async function issue(p: Platform, ctx: Ctx, input: IssueInput) {
  const dep = await getDepartment(p.db, input.departmentId);
  if (!dep) throw badRequest('DEPARTMENT_UNKNOWN', '部门不存在', 'Unknown department', 'departmentId');
  authorize(ctx, ISSUE, { regionCode: dep.regionCode, departmentId: dep.id });
  checkHolderCode(input.holder);
  let holderAccountId = input.holder.accountId ?? null;
  if (!holderAccountId)
    holderAccountId = await accountIdByHolderCode(p.db, p.config, input.holder.code, input.holder.codeType);
  const r = await p.db
    .transaction()
    .execute((tx) => issueInTx(p, tx, ctx, { ...input, holder: { ...input.holder, accountId: holderAccountId } }));
  return get(p, ctx, r.id);
}

function checkHolderCode(h: IssueInput['holder']) {
  if (h.codeType === '111') {
    if (!/^[0-9]{17}[0-9X]$/.test(h.code))
      throw badRequest('VALIDATION', '持证人身份证号码格式不正确', 'holder.code is not an ID number', 'holder.code');
  } else if (h.codeType === '001') {
    if (checkCreditCode(h.code))
      throw badRequest(
        'VALIDATION',
        '持证单位统一社会信用代码不正确',
        'holder.code is not a valid credit code',
        'holder.code',
      );
  } else
    throw badRequest(
      'VALIDATION',
      '持证主体代码类型应为 111 或 001',
      'holder.codeType must be 111 or 001',
      'holder.codeType',
    );
}

/** Renews or changes a licence: a new version with the same number, linked to the previous one. */
export async function renew(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { data?: Record<string, unknown>; validTo?: string | null; reason: string },
) {
  const cur = await rowById(p.db, id);
  authorize(ctx, ISSUE, { regionCode: cur.jurisdiction_code, departmentId: cur.issuer_department_id });
  if (!input.reason?.trim())
    throw badRequest('REASON_REQUIRED', '请填写变更或延续原因', 'A reason is required', 'reason');
  const holderCode = unseal(p.config.secretKey, cur.holder_code_sealed);
  const r = await p.db.transaction().execute((tx) =>
    issueInTx(p, tx, ctx, {
      typeId: cur.type_id,
      departmentId: cur.issuer_department_id,
      holder: {
        accountId: cur.holder_account_id,
        name: cur.holder_name,
        code: holderCode,
        codeType: cur.holder_code_type,
      },
      data: input.data ?? cur.data,
      validTo: input.validTo === undefined ? undefined : input.validTo,
      caseId: null,
      taskCode: cur.task_code,
      taskName: cur.task_name,
      previousId: cur.id,
      reason: input.reason.trim(),
    }),
  );
  return get(p, ctx, r.id);
}

/** Revokes (吊销/撤销) or cancels (注销) a licence; visible to verification at once. */
export async function setLicenceStatus(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { status: 'revoked' | 'cancelled'; reason: string },
) {
  const cur = await rowById(p.db, id);
  authorize(ctx, ISSUE, { regionCode: cur.jurisdiction_code, departmentId: cur.issuer_department_id });
  if (!input.reason?.trim()) throw badRequest('REASON_REQUIRED', '请填写原因', 'A reason is required', 'reason');
  if (cur.status !== 'valid')
    throw conflict('LICENCE_NOT_VALID', '证照已不是有效状态', 'The licence is no longer valid');
  await p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('licences')
      .set({ status: input.status, status_reason: input.reason.trim(), status_changed_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'valid')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict('CONCURRENT_UPDATE', '证照已被他人修改，请刷新', 'The licence was changed meanwhile; reload');
    await writeAudit(tx, ctx, {
      action: `licences.licence.${input.status === 'revoked' ? 'revoke' : 'cancel'}`,
      objectType: 'licence',
      objectId: id,
      detail: { identifier: cur.identifier, reason: input.reason.trim() },
    });
    if (cur.holder_account_id)
      await notify(tx, {
        recipientAccountId: cur.holder_account_id,
        kind: 'licences.status',
        title: `您的证照已${input.status === 'revoked' ? '撤销' : '注销'}`,
        titleEn: `Your licence was ${input.status}`,
        body: `证照编号 ${cur.licence_number}：${input.reason.trim()}`,
        bodyEn: `Licence No. ${cur.licence_number}: ${input.reason.trim()}`,
        link: `/my/licences/${id}`,
        channels: ['inapp'],
      });
  });
  return get(p, ctx, id);
}

// ---------------------------------------------------------------- automatic issuance for cases

/** What the issuance of a case's licence needs, copied from the approving transition's case row. */
interface CaseSnapshot {
  taskCode: string;
  itemName: string;
  departmentId: string;
  regionCode: string;
  applicantAccountId: string;
  formData: Record<string, unknown>;
  materials: any[];
}

/** Called in the transaction of every case transition: an approved case of a related item queues its licence. */
export async function onCaseTransition(tx: Tx, row: any, action: string): Promise<void> {
  if (action !== 'approve') return;
  const types = await tx
    .selectFrom('licence_types')
    .select(['id'])
    .where('status', '=', 'active')
    .where(sql<boolean>`task_codes @> ${JSON.stringify([row.task_code])}::jsonb`)
    .execute();
  if (!types.length) return;
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : (v ?? null));
  const snapshot: CaseSnapshot = {
    taskCode: row.task_code,
    itemName: row.item_name,
    departmentId: row.department_id,
    regionCode: row.region_code,
    applicantAccountId: row.applicant_account_id,
    formData: json(row.form_data) ?? {},
    materials: json(row.materials) ?? [],
  };
  for (const t of types) {
    await tx
      .insertInto('licence_issue_requests')
      .values({ case_id: row.id, type_id: t.id, snapshot: JSON.stringify(snapshot) })
      .onConflict((oc) => oc.column('case_id').doNothing())
      .execute();
    await enqueue(tx, ISSUE_QUEUE, { caseId: row.id }, { uniqueKey: `licence-issue:${row.id}`, maxAttempts: 3 });
  }
}

/** The job: issues the licence of an approved case from its data (holder, form fields). */
export async function issueForCase(p: Platform, ctx: Ctx, caseId: string): Promise<void> {
  const req = await p.db
    .selectFrom('licence_issue_requests')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!req || req.status === 'issued') return;
  const snap = (typeof req.snapshot === 'string' ? JSON.parse(req.snapshot) : req.snapshot) as CaseSnapshot;
  const c = {
    id: caseId,
    task_code: snap.taskCode,
    item_name: snap.itemName,
    department_id: snap.departmentId,
    applicant_account_id: snap.applicantAccountId,
    form_data: snap.formData,
    materials: snap.materials,
  };
  try {
    const type = (await typeById(p.db, req.type_id))!;
    const holder = await accountHolder(p.db, p.config, c.applicant_account_id);
    if (!holder?.code || !holder.codeType) throw new Error('the applicant has no holder code');
    const form = (typeof c.form_data === 'string' ? JSON.parse(c.form_data) : c.form_data) as Record<string, unknown>;
    const data: Record<string, unknown> = {};
    for (const f of type.template.fields)
      if (f.fromForm && form[f.fromForm] !== undefined) data[f.key] = form[f.fromForm];
    // A renewal (延续/变更) names the licence it continues as an ECERT material of the same type.
    const materials = (typeof c.materials === 'string' ? JSON.parse(c.materials) : c.materials) as any[];
    const prevIdentifier = materials.find((m) => m.fulfilment === 'ECERT' && m.evidence?.typeCode === type.typeCode)
      ?.evidence?.identifier as string | undefined;
    let previousId: string | null = null;
    if (prevIdentifier) {
      const prev = await p.db
        .selectFrom('licences')
        .select(['id', 'status'])
        .where('identifier', '=', prevIdentifier)
        .executeTakeFirst();
      if (prev?.status === 'valid') previousId = prev.id;
    }
    const r = await p.db.transaction().execute(async (tx) => {
      const out = await issueInTx(p, tx, ctx, {
        typeId: type.id,
        departmentId: type.issuingDepartmentIds.includes(c.department_id)
          ? c.department_id
          : type.issuingDepartmentIds[0]!,
        holder: { accountId: holder.accountId, name: holder.name, code: holder.code!, codeType: holder.codeType! },
        data,
        caseId: c.id,
        taskCode: c.task_code,
        taskName: c.item_name,
        previousId,
        reason: previousId ? `${c.item_name}（办件）` : null,
      });
      await tx
        .updateTable('licence_issue_requests')
        .set({
          status: 'issued',
          licence_id: out.id,
          last_error: null,
          attempts: sql`attempts + 1`,
          updated_at: new Date().toISOString(),
        })
        .where('case_id', '=', caseId)
        .execute();
      return out;
    });
    void r;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await p.db
      .updateTable('licence_issue_requests')
      .set({
        status: 'failed',
        last_error: msg.slice(0, 500),
        attempts: sql`attempts + 1`,
        updated_at: new Date().toISOString(),
      })
      .where('case_id', '=', caseId)
      .execute();
    throw e;
  }
}

/** Staff retry of a failed automatic issuance (e.g. after a new seal was made). */
export async function retryIssue(p: Platform, ctx: Ctx, caseId: string) {
  const req = await p.db
    .selectFrom('licence_issue_requests')
    .innerJoin('licence_types', 'licence_types.id', 'licence_issue_requests.type_id')
    .select(['licence_issue_requests.status', 'licence_types.issuing_department_ids'])
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!req) throw notFound('licence issue request', '制证任务');
  const deps = req.issuing_department_ids as string[];
  const ok = await Promise.all(
    deps.map(async (d) => {
      const dep = await getDepartment(p.db, d);
      return dep && can(ctx.caller, ISSUE, { regionCode: dep.regionCode, departmentId: dep.id });
    }),
  );
  if (!ok.some(Boolean)) authorize(ctx, ISSUE, { departmentId: deps[0] ?? '-' });
  if (req.status === 'issued') throw conflict('ALREADY_ISSUED', '证照已签发', 'The licence was issued already');
  await issueForCase(p, ctx, caseId);
  return issueStatusOfCase(p, ctx, caseId);
}

export async function issueStatusOfCase(p: Platform, ctx: Ctx, caseId: string) {
  requireSignedIn(ctx);
  const r = await p.db
    .selectFrom('licence_issue_requests')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!r) return null;
  const c = (typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot) as CaseSnapshot;
  const mayRead =
    c.applicantAccountId === ctx.caller.accountId ||
    can(ctx.caller, 'cases.read', { regionCode: c.regionCode, departmentId: c.departmentId });
  if (!mayRead) throw forbidden();
  let identifier: string | null = null;
  if (r.licence_id)
    identifier =
      (await p.db.selectFrom('licences').select('identifier').where('id', '=', r.licence_id).executeTakeFirst())
        ?.identifier ?? null;
  return {
    caseId,
    status: r.status as string,
    licenceId: r.licence_id ?? null,
    identifier,
    error: r.status === 'failed' ? r.last_error : null,
  };
}

// ---------------------------------------------------------------- reading

async function rowById(db: Db | Tx, id: string): Promise<any> {
  const r = await db.selectFrom('licences').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('licence', '证照');
  return r;
}

function mayHold(ctx: Ctx, r: any): boolean {
  return !!ctx.caller.accountId && r.holder_account_id === ctx.caller.accountId;
}

function mayStaffRead(ctx: Ctx, r: any): boolean {
  const target = { regionCode: r.jurisdiction_code, departmentId: r.issuer_department_id };
  return can(ctx.caller, ISSUE, target) || can(ctx.caller, READ, target);
}

function effectiveStatus(r: any): LicenceView['effectiveStatus'] {
  if (r.status === 'revoked') return 'revoked';
  if (r.status === 'cancelled') return 'cancelled';
  if (r.status === 'superseded') return 'superseded';
  if (r.valid_to && r.valid_to < today()) return 'expired';
  return 'valid';
}

function toView(p: Platform, r: any, type: { type_code: string; name: string; name_en: string | null }): LicenceView {
  return {
    id: r.id,
    identifier: r.identifier,
    typeId: r.type_id,
    typeCode: type.type_code,
    typeName: type.name,
    typeNameEn: type.name_en ?? null,
    licenceNumber: r.licence_number,
    version: r.version,
    previousId: r.previous_id ?? null,
    issuerName: r.issuer_name,
    issuerCode: r.issuer_code,
    holderName: r.holder_name,
    holderCodeMasked: r.holder_code_masked,
    holderCodeType: r.holder_code_type,
    issueDate: r.issue_date,
    validFrom: r.valid_from,
    validTo: r.valid_to ?? null,
    jurisdictionCode: r.jurisdiction_code,
    taskCode: r.task_code ?? null,
    taskName: r.task_name ?? null,
    caseId: r.case_id ?? null,
    data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    disclosure: r.disclosure ?? [],
    status: r.status,
    effectiveStatus: effectiveStatus(r),
    statusReason: r.status_reason ?? null,
    sealId: r.seal_id,
    verifyUrl: verifyUrl(p, r.identifier),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const LIST_COLUMNS = [
  'licences.id',
  'licences.identifier',
  'licences.type_id',
  'licences.licence_number',
  'licences.version',
  'licences.previous_id',
  'licences.issuer_department_id',
  'licences.issuer_name',
  'licences.issuer_code',
  'licences.holder_account_id',
  'licences.holder_name',
  'licences.holder_code_masked',
  'licences.holder_code_type',
  'licences.issue_date',
  'licences.valid_from',
  'licences.valid_to',
  'licences.jurisdiction_code',
  'licences.task_code',
  'licences.task_name',
  'licences.case_id',
  'licences.data',
  'licences.disclosure',
  'licences.status',
  'licences.status_reason',
  'licences.seal_id',
  'licences.created_at',
  'licence_types.type_code',
  'licence_types.name',
  'licence_types.name_en',
] as const;

/** One licence: its holder, or staff of the issuing department (a read of personal data, audited). */
export async function get(p: Platform, ctx: Ctx, id: string): Promise<LicenceView> {
  requireSignedIn(ctx);
  const r = await p.db
    .selectFrom('licences')
    .innerJoin('licence_types', 'licence_types.id', 'licences.type_id')
    .select(LIST_COLUMNS)
    .where('licences.id', '=', id)
    .executeTakeFirst();
  if (!r) throw notFound('licence', '证照');
  if (!mayHold(ctx, r) && !mayStaffRead(ctx, r)) {
    throw Object.assign(forbidden(), { auditAction: 'denied:licences.read', auditObject: id });
  }
  await p.db
    .transaction()
    .execute((tx) => writeAudit(tx, ctx, { action: 'licences.licence.read', objectType: 'licence', objectId: id }));
  return toView(p, r, r as any);
}

/** The holder's wallet: licences issued to the account, or to its ID number / credit code before it existed. */
export async function wallet(p: Platform, ctx: Ctx, q: { typeCode?: string } = {}): Promise<LicenceView[]> {
  requireSignedIn(ctx);
  const holder = await accountHolder(p.db, p.config, ctx.caller.accountId);
  const codeHash = holder?.code ? holderHash(p, holder.code) : null;
  let query = p.db
    .selectFrom('licences')
    .innerJoin('licence_types', 'licence_types.id', 'licences.type_id')
    .select(LIST_COLUMNS)
    .where((eb) =>
      codeHash
        ? eb.or([
            eb('licences.holder_account_id', '=', ctx.caller.accountId),
            eb('licences.holder_code_hmac', '=', codeHash),
          ])
        : eb('licences.holder_account_id', '=', ctx.caller.accountId),
    )
    .orderBy('licences.created_at', 'desc');
  if (q.typeCode) query = query.where('licence_types.type_code', '=', q.typeCode);
  const rows = await query.execute();
  // Licences issued to the holder's code before the account existed are claimed by it now.
  const unclaimed = rows.filter((r: any) => !r.holder_account_id).map((r: any) => r.id);
  await p.db.transaction().execute(async (tx) => {
    if (unclaimed.length)
      await tx
        .updateTable('licences')
        .set({ holder_account_id: ctx.caller.accountId })
        .where('id', 'in', unclaimed)
        .where('holder_account_id', 'is', null)
        .execute();
    await writeAudit(tx, ctx, {
      action: 'licences.wallet.read',
      objectType: 'account',
      objectId: ctx.caller.accountId,
      detail: { count: rows.length, claimed: unclaimed },
    });
  });
  return rows.map((r: any) => toView(p, { ...r, holder_account_id: ctx.caller.accountId }, r));
}

/** Licences of the departments the staff member may issue for. */
export async function listForStaff(
  p: Platform,
  ctx: Ctx,
  q: { q?: string; status?: string; typeId?: string; page?: number; pageSize?: number },
) {
  requireSignedIn(ctx);
  const scopes = scopesOf(ctx.caller, ISSUE);
  const readScopes = scopesOf(ctx.caller, READ);
  if (scopes !== null && readScopes !== null && scopes.length + readScopes.length === 0) throw forbidden();
  const all = scopes === null || readScopes === null ? null : [...scopes, ...readScopes];
  let query = p.db.selectFrom('licences').innerJoin('licence_types', 'licence_types.id', 'licences.type_id');
  if (all)
    query = query.where((eb) =>
      eb.or(
        all.map((g) =>
          eb.and([
            ...(g.departmentId ? [eb('licences.issuer_department_id', '=', g.departmentId)] : []),
            ...(g.regionCode ? [eb('licences.jurisdiction_code', 'like', `${divisionPrefix(g.regionCode)}%`)] : []),
          ]),
        ),
      ),
    );
  if (q.status) query = query.where('licences.status', '=', q.status);
  if (q.typeId) query = query.where('licences.type_id', '=', q.typeId);
  if (q.q)
    query = query.where((eb) =>
      eb.or([
        eb('licences.licence_number', 'like', `%${q.q}%`),
        eb('licences.holder_name', 'like', `%${q.q}%`),
        eb('licences.identifier', '=', q.q!),
      ]),
    );
  const pageSize = q.pageSize ?? 20;
  const page = q.page ?? 1;
  const [rows, total] = await Promise.all([
    query
      .select(LIST_COLUMNS)
      .orderBy('licences.created_at', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  await p.db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      action: 'licences.licence.list',
      objectType: 'licence',
      objectId: null,
      detail: { count: rows.length },
    }),
  );
  return {
    items: rows.map((r: any) => ({ ...toView(p, r, r), holderName: maskName(r.holder_name) })),
    total: Number(total.n),
  };
}

/** The signed PDF of a licence, for its holder or issuing staff (audited). */
export async function pdfOf(p: Platform, ctx: Ctx, id: string): Promise<{ pdf: Buffer; filename: string }> {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r) && !mayStaffRead(ctx, r))
    throw Object.assign(forbidden(), { auditAction: 'denied:licences.pdf', auditObject: id });
  await p.db
    .transaction()
    .execute((tx) => writeAudit(tx, ctx, { action: 'licences.licence.download', objectType: 'licence', objectId: id }));
  return { pdf: Buffer.from(r.pdf), filename: `${r.licence_number}-v${r.version}.pdf` };
}

/** The holder chooses what a public verification shows besides status, type, issuer and validity. */
export async function setDisclosure(p: Platform, ctx: Ctx, id: string, fields: string[]) {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r)) throw forbidden();
  const bad = fields.find((f) => !(DISCLOSABLE as readonly string[]).includes(f));
  if (bad) throw badRequest('VALIDATION', `不能公开的字段：${bad}`, `Not a disclosable field: ${bad}`, 'fields');
  await p.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('licences')
      .set({ disclosure: JSON.stringify([...new Set(fields)]) })
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, ctx, {
      action: 'licences.licence.disclosure',
      objectType: 'licence',
      objectId: id,
      detail: { fields },
    });
  });
  return get(p, ctx, id);
}

// ---------------------------------------------------------------- authorised copies (加注件) and show tokens (亮证)

const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

export async function createCopy(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { purpose: string; recipient?: string | null; validDays: number },
) {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r)) throw forbidden();
  if (effectiveStatus(r) !== 'valid')
    throw conflict('LICENCE_NOT_VALID', '只能为有效的证照制作加注件', 'Only a valid licence can be copied for use');
  const purpose = input.purpose.trim();
  if (!purpose) throw badRequest('VALIDATION', '请填写用途', 'purpose is required', 'purpose');
  if (!Number.isInteger(input.validDays) || input.validDays < 1 || input.validDays > 90)
    throw badRequest('VALIDATION', '有效天数应为 1–90', 'validDays must be 1–90', 'validDays');
  const validUntil = new Date(Date.now() + input.validDays * 86_400_000);
  const type = (await typeById(p.db, r.type_id))!;
  const seal = await signingSeal(p, p.db, r.issuer_department_id);
  const data = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
  const until = validUntil.toISOString().slice(0, 10);
  const unsigned = await renderLicencePdf({
    title: type.name,
    titleEn: type.nameEn ?? undefined,
    identifier: r.identifier,
    licenceNumber: r.licence_number,
    holderName: r.holder_name,
    holderCode: r.holder_code_masked,
    fields: type.template.fields.map((f) => ({ label: f.label, value: formatValue(data[f.key]) })),
    issuerName: r.issuer_name,
    issueDate: r.issue_date,
    validFrom: r.valid_from,
    validTo: r.valid_to ?? undefined,
    verifyUrl: verifyUrl(p, r.identifier),
    seal: seal.picturePng ? { png: seal.picturePng } : { departmentName: seal.departmentName },
    watermark: [
      `仅供${purpose}使用`,
      `有效期至 ${until}`,
      ...(input.recipient?.trim() ? [`提供给：${input.recipient.trim()}`] : []),
    ],
    metadata: { identifier: r.identifier, copyPurpose: purpose, copyValidUntil: validUntil.toISOString() },
  });
  const ca = await ensureCa(p.db, p.config, nodeName(p));
  const pdf = await signPdf(
    unsigned,
    { algorithm: seal.algorithm, privateKeyPem: seal.privateKeyPem, certPem: seal.certPem, chainPems: [ca.issuingPem] },
    { reason: `加注件：仅供${purpose}使用，有效期至 ${until}`, location: r.issuer_name, name: seal.name },
  );
  const token = randomBytes(24).toString('base64url');
  const copyId = crypto.randomUUID();
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('licence_copies')
      .values({
        id: copyId,
        licence_id: id,
        purpose,
        recipient: input.recipient?.trim() || null,
        token_hash: tokenHash(token),
        valid_until: validUntil.toISOString(),
        pdf,
        created_by: ctx.caller.accountId,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'licences.copy.create',
      objectType: 'licence',
      objectId: id,
      detail: { copyId, purpose, validUntil: validUntil.toISOString() },
    });
  });
  return {
    id: copyId,
    purpose,
    recipient: input.recipient?.trim() || null,
    validUntil: validUntil.toISOString(),
    url: `${p.config.publicUrl}/api/v1/licences/copies/${token}`,
    token,
  };
}

export async function listCopies(p: Platform, ctx: Ctx, id: string) {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r)) throw forbidden();
  const rows = await p.db
    .selectFrom('licence_copies')
    .select(['id', 'purpose', 'recipient', 'valid_until', 'created_at', 'revoked_at'])
    .where('licence_id', '=', id)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((c: any) => ({
    id: c.id,
    purpose: c.purpose,
    recipient: c.recipient,
    validUntil: new Date(c.valid_until).toISOString(),
    createdAt: new Date(c.created_at).toISOString(),
    revoked: !!c.revoked_at,
  }));
}

export async function revokeCopy(p: Platform, ctx: Ctx, id: string, copyId: string) {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r)) throw forbidden();
  await p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('licence_copies')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', copyId)
      .where('licence_id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw notFound('copy', '加注件');
    await writeAudit(tx, ctx, {
      action: 'licences.copy.revoke',
      objectType: 'licence',
      objectId: id,
      detail: { copyId },
    });
  });
}

/** Anyone with the link: the authorised copy while it is valid (audited). */
export async function copyByToken(p: Platform, ctx: Ctx, token: string) {
  const c = await p.db
    .selectFrom('licence_copies')
    .selectAll()
    .where('token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!c) throw notFound('copy', '加注件');
  if (c.revoked_at || new Date(c.valid_until) < new Date())
    throw new AppError(410, 'COPY_EXPIRED', '加注件已过期或已撤回', 'The authorised copy has expired or was withdrawn');
  await p.db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      action: 'licences.copy.open',
      objectType: 'licence',
      objectId: c.licence_id,
      detail: { copyId: c.id },
    }),
  );
  return { pdf: Buffer.from(c.pdf), filename: `authorised-copy-${c.id.slice(0, 8)}.pdf` };
}

export const SHOW_TTL_DEFAULT = 300;

/** 亮证: a short-lived token (default 5 minutes) a verifier scans to see the chosen fields. */
export async function createShowToken(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { fields?: string[]; ttlSeconds?: number },
) {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r)) throw forbidden();
  const fields = input.fields ?? ['holderName'];
  const bad = fields.find((f) => !(DISCLOSABLE as readonly string[]).includes(f));
  if (bad) throw badRequest('VALIDATION', `不能出示的字段：${bad}`, `Not a disclosable field: ${bad}`, 'fields');
  const ttl = input.ttlSeconds ?? SHOW_TTL_DEFAULT;
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 600)
    throw badRequest('VALIDATION', '有效时长应为 30–600 秒', 'ttlSeconds must be 30–600', 'ttlSeconds');
  const token = randomBytes(18).toString('base64url');
  const expiresAt = new Date(Date.now() + ttl * 1000);
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('licence_show_tokens')
      .values({
        token_hash: tokenHash(token),
        licence_id: id,
        fields: JSON.stringify([...new Set(fields)]),
        expires_at: expiresAt.toISOString(),
        created_by: ctx.caller.accountId,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'licences.show.create',
      objectType: 'licence',
      objectId: id,
      detail: { fields, ttl },
    });
  });
  return { token, expiresAt: expiresAt.toISOString(), url: `${p.config.publicUrl}/verify/show/${token}` };
}

// ---------------------------------------------------------------- verification

function disclosedOf(r: any, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'holderName') out.holderName = r.holder_name;
    if (f === 'holderCode') out.holderCode = r.holder_code_masked;
    if (f === 'licenceNumber') out.licenceNumber = r.licence_number;
    if (f === 'data') out.data = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
  }
  if (!fields.includes('holderName')) out.holderName = maskName(r.holder_name);
  return out;
}

async function answerFor(p: Platform, r: any, fields: string[]): Promise<VerifyAnswer> {
  const type =
    r.type_name !== undefined
      ? { name: r.type_name as string, type_code: r.type_code as string }
      : await p.db
          .selectFrom('licence_types')
          .select(['name', 'type_code'])
          .where('id', '=', r.type_id)
          .executeTakeFirst();
  const base: VerifyAnswer = {
    status: 'valid',
    identifier: r.identifier,
    typeName: type?.name,
    typeCode: type?.type_code,
    issuerName: r.issuer_name,
    issuerCode: r.issuer_code,
    issueDate: r.issue_date,
    validFrom: r.valid_from,
    validTo: r.valid_to ?? null,
    version: r.version,
  };
  if (!(await recordSignatureOk(p.db, r))) return { ...base, status: 'tampered', reason: 'record_signature' };
  if (r.status === 'revoked' || r.status === 'cancelled')
    return { ...base, status: 'revoked', reason: r.status, statusReason: r.status_reason ?? null };
  if (r.status === 'superseded')
    return { ...base, status: 'revoked', reason: 'superseded', statusReason: r.status_reason ?? null };
  if (r.valid_to && r.valid_to < today()) return { ...base, status: 'expired' };
  return { ...base, disclosed: disclosedOf(r, fields) };
}

/**
 * Checked record signatures: the key is the SHA-256 of the signed bytes, the signature and the seal,
 * so a changed row (or signature) is a different key and is checked afresh; only a repeat of
 * exactly the bytes already verified is answered from memory. Bounded (oldest dropped first).
 */
const checkedRecords = new Map<string, boolean>();
const CHECKED_MAX = 20_000;

async function recordSignatureOk(db: Db, r: any): Promise<boolean> {
  const bytes = signedRecord(r);
  const cacheKey = createHash('sha256')
    .update(bytes)
    .update('|')
    .update(r.record_signature)
    .update('|')
    .update(r.seal_id)
    .digest('base64');
  const hit = checkedRecords.get(cacheKey);
  if (hit !== undefined) return hit;
  const key = await sealPublicKey(db, r.seal_id);
  const ok = !!key && key.verify(bytes, Buffer.from(r.record_signature, 'base64'));
  if (checkedRecords.size >= CHECKED_MAX) checkedRecords.delete(checkedRecords.keys().next().value!);
  checkedRecords.set(cacheKey, ok);
  return ok;
}

/** The columns verification reads (never the PDF), with the type's name and code. */
const VERIFY_COLUMNS = [
  'licences.id',
  'licences.identifier',
  'licences.type_id',
  'licences.licence_number',
  'licences.version',
  'licences.issuer_code',
  'licences.issuer_name',
  'licences.holder_name',
  'licences.holder_code_hmac',
  'licences.holder_code_masked',
  'licences.issue_date',
  'licences.valid_from',
  'licences.valid_to',
  'licences.jurisdiction_code',
  'licences.data',
  'licences.disclosure',
  'licences.status',
  'licences.status_reason',
  'licences.seal_id',
  'licences.record_signature',
  'licences.pdf_sha256',
  'licence_types.name as type_name',
  'licence_types.type_code',
] as const;

const verifyRow = (db: Db, column: 'licences.identifier' | 'licences.id', value: string) =>
  db
    .selectFrom('licences')
    .innerJoin('licence_types', 'licence_types.id', 'licences.type_id')
    .select(VERIFY_COLUMNS)
    .where(column, '=', value)
    .executeTakeFirst();

/** Public: verifies a licence by its identifier. A malformed identifier (shape or check character) is a 400. */
export async function verifyByIdentifier(p: Platform, ctx: Ctx, identifier: string): Promise<VerifyAnswer> {
  const parsed = parseLicenceIdentifier(identifier);
  if (!parsed.ok)
    throw badRequest(
      parsed.problem === 'check' ? 'IDENTIFIER_CHECK' : 'IDENTIFIER_FORMAT',
      parsed.problem === 'check' ? '证照标识校验位不正确' : '证照标识格式不正确',
      parsed.problem === 'check' ? 'The licence identifier check character is wrong' : 'Malformed licence identifier',
      'identifier',
    );
  const r = await verifyRow(p.db, 'licences.identifier', identifier);
  const answer: VerifyAnswer = r
    ? await answerFor(p, r, r.disclosure ?? [])
    : { status: 'unknown', reason: 'not_found', identifier };
  await writeAuditGrouped(p.db, ctx, {
    action: 'licences.verify.identifier',
    objectType: 'licence',
    objectId: r?.id ?? null,
    detail: { identifier, status: answer.status },
  });
  return answer;
}

/** Public: verifies an uploaded PDF (signature, chain to this node's CA or a trusted node, then status). */
export async function verifyPdf(p: Platform, ctx: Ctx, bytes: Buffer): Promise<VerifyAnswer> {
  const ca = await ensureCa(p.db, p.config, nodeName(p));
  const anchors = await trustedAnchors(p.db, ca);
  const res = await verifyPdfSignature(bytes, { anchors });
  const signer = res.signer
    ? {
        subject: res.signer.subject.dn,
        issuer: res.signer.issuer.dn,
        serial: res.signer.serialNumber,
        algorithm: res.algorithm ?? res.signer.algorithm,
      }
    : null;
  let answer: VerifyAnswer;
  const identifier = res.metadata?.identifier;
  if (res.status === 'unsigned') answer = { status: 'unknown', reason: 'unsigned' };
  else if (res.status !== 'valid' && res.status !== 'expired')
    answer = {
      status: res.status === 'tampered' ? 'tampered' : 'unknown',
      reason: res.reason,
      signer,
      signedAt: res.signedAt ?? null,
      identifier,
    };
  else {
    // Signed under this node's own root: the record here holds the status. Signed under a trusted
    // node's CA: that node's licence (identifiers may coincide across nodes); its status lives there.
    const ownChain = (res.chain ?? []).some((pem) => pemFingerprint(pem) === pemFingerprint(ca.rootPem));
    const local = identifier && ownChain ? await verifyRow(p.db, 'licences.identifier', identifier) : null;
    if (local) {
      answer = { ...(await answerFor(p, local, local.disclosure ?? [])), signer, signedAt: res.signedAt ?? null };
      if (res.status === 'expired' && answer.status === 'valid')
        answer = { ...answer, status: 'expired', reason: 'certificate' };
    } else {
      // Another node's licence: the signature chains to a trusted anchor; its status lives at that node.
      const anchor = await anchorOfChain(p, res.chain ?? []);
      answer = {
        status: res.status === 'expired' ? 'expired' : 'valid',
        reason: anchor ? 'trusted_node' : res.reason,
        identifier,
        signer,
        signedAt: res.signedAt ?? null,
        trustedNode: anchor,
      };
    }
  }
  await writeAuditGrouped(p.db, ctx, {
    action: 'licences.verify.pdf',
    objectType: 'licence',
    objectId: null,
    detail: { identifier: identifier ?? null, status: answer.status, sha256: sha256(bytes) },
  });
  return answer;
}

async function anchorOfChain(p: Platform, chain: string[]): Promise<string | null> {
  const fps = chain.map(pemFingerprint);
  if (!fps.length) return null;
  const a = await p.db
    .selectFrom('trust_anchors')
    .select('node_name')
    .where('fingerprint', 'in', fps)
    .executeTakeFirst();
  return a?.node_name ?? null;
}

/** Public: what a verifier sees when scanning a show token (亮证). Expired → 410. */
export async function verifyShowToken(
  p: Platform,
  ctx: Ctx,
  token: string,
): Promise<VerifyAnswer & { expiresAt: string }> {
  const t = await p.db
    .selectFrom('licence_show_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!t) throw notFound('show token', '亮证码');
  if (new Date(t.expires_at) < new Date())
    throw new AppError(
      410,
      'TOKEN_EXPIRED',
      '亮证码已过期，请持证人重新出示',
      'The show code has expired; ask the holder to show it again',
    );
  const r = await verifyRow(p.db, 'licences.id', t.licence_id);
  if (!r) throw notFound('licence', '证照');
  const answer = await answerFor(p, r, t.fields ?? []);
  await writeAuditGrouped(p.db, ctx, {
    action: 'licences.verify.show',
    objectType: 'licence',
    objectId: r.id,
    detail: { status: answer.status },
  });
  return { ...answer, expiresAt: new Date(t.expires_at).toISOString() };
}

// ---------------------------------------------------------------- trust list (互信互认)

/** This node's CA certificates, for other nodes to import. */
export async function ownTrustList(p: Platform) {
  const ca = await ensureCa(p.db, p.config, nodeName(p));
  return { node: nodeName(p), publicUrl: p.config.publicUrl, certificates: [ca.rootPem] };
}

export async function listAnchors(p: Platform, ctx: Ctx) {
  authorize(ctx, MANAGE);
  const rows = await p.db.selectFrom('trust_anchors').selectAll().orderBy('created_at', 'desc').execute();
  return rows.map((r: any) => ({
    id: r.id,
    nodeName: r.node_name,
    regionCode: r.region_code ?? null,
    subject: r.subject,
    fingerprint: r.fingerprint,
    notAfter: new Date(r.not_after).toISOString(),
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Imports another node's trust list: its CA certificates become anchors for verification here. */
export async function importTrustList(
  p: Platform,
  ctx: Ctx,
  input: { node: string; regionCode?: string | null; certificates: string[] },
) {
  authorize(ctx, MANAGE);
  if (!input.node?.trim()) throw badRequest('VALIDATION', '请填写节点名称', 'node is required', 'node');
  if (!input.certificates?.length)
    throw badRequest('VALIDATION', '信任列表中没有证书', 'The trust list has no certificates', 'certificates');
  const ca = await ensureCa(p.db, p.config, nodeName(p));
  const parsed = input.certificates.map((pem, i) => {
    try {
      const info = certificateInfo(pem);
      if (!info.isCa) throw new Error('not a CA certificate');
      return { pem: pem.trim(), info, fingerprint: pemFingerprint(pem) };
    } catch (e) {
      throw badRequest(
        'CERT_INVALID',
        `第 ${i + 1} 个证书无效：${(e as Error).message}`,
        `Certificate ${i + 1} is invalid: ${(e as Error).message}`,
        `certificates.${i}`,
      );
    }
  });
  if (parsed.some((c) => c.fingerprint === pemFingerprint(ca.rootPem)))
    throw badRequest(
      'CERT_OWN',
      '不能导入本节点自己的根证书',
      "This node's own root cannot be imported",
      'certificates',
    );
  let added = 0;
  await p.db.transaction().execute(async (tx) => {
    for (const c of parsed) {
      const res = await tx
        .insertInto('trust_anchors')
        .values({
          id: crypto.randomUUID(),
          node_name: input.node.trim(),
          region_code: input.regionCode ?? null,
          cert_pem: c.pem,
          fingerprint: c.fingerprint,
          subject: c.info.subject.dn,
          not_after: new Date(c.info.notAfter).toISOString(),
          added_by: ctx.caller.accountId,
        })
        .onConflict((oc) => oc.column('fingerprint').doUpdateSet({ status: 'active', node_name: input.node.trim() }))
        .executeTakeFirst();
      added += Number(res.numInsertedOrUpdatedRows ?? 0);
    }
    await writeAudit(tx, ctx, {
      action: 'licences.trust.import',
      objectType: 'trust_list',
      objectId: input.node.trim(),
      detail: { fingerprints: parsed.map((c) => c.fingerprint) },
    });
  });
  return { added };
}

export async function removeAnchor(p: Platform, ctx: Ctx, id: string) {
  authorize(ctx, MANAGE);
  await p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('trust_anchors')
      .set({ status: 'removed' })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw notFound('trust anchor', '信任锚');
    await writeAudit(tx, ctx, { action: 'licences.trust.remove', objectType: 'trust_anchor', objectId: id });
  });
}

// ---------------------------------------------------------------- ECERT fulfilment support

/** A valid licence of `typeCode` held by the caller, for the ECERT fulfilment (in the caller's transaction). */
export async function heldLicence(db: Db | Tx, ctx: Ctx, ref: string, typeCode: string) {
  const r = await db
    .selectFrom('licences')
    .innerJoin('licence_types', 'licence_types.id', 'licences.type_id')
    .select([
      'licences.id',
      'licences.identifier',
      'licences.status',
      'licences.valid_to',
      'licences.pdf_sha256',
      'licences.holder_account_id',
      'licences.licence_number',
      'licences.issuer_name',
      'licences.seal_id',
      'licence_types.type_code',
      'licence_types.name',
    ])
    .where((eb) => eb.or([eb('licences.id', '=', ref), eb('licences.identifier', '=', ref)]))
    .executeTakeFirst();
  if (!r || !ctx.caller.accountId || r.holder_account_id !== ctx.caller.accountId)
    return { problem: 'unknown' as const };
  if (r.type_code !== typeCode) return { problem: 'type' as const };
  if (effectiveStatus(r) !== 'valid') return { problem: 'status' as const };
  return { licence: r };
}

// ---------------------------------------------------------------- W3C Verifiable Credential export

/** `did:web:<host>:issuers:<USCC>` of an issuing department at this node (resolvable at /issuers/<USCC>/did.json). */
export function issuerController(p: Platform, issuerCode: string): string {
  const host = new URL(p.config.publicUrl).host.replace(':', '%3A');
  return issuerDid(host, issuerCode);
}

async function ed25519KeysOf(p: Platform, departmentCode: string) {
  return p.db
    .selectFrom('seals')
    .innerJoin('departments', 'departments.id', 'seals.department_id')
    .select([
      'seals.id',
      'seals.public_key_pem',
      'seals.private_key_sealed',
      'seals.status',
      'seals.valid_to',
      'seals.valid_from',
    ])
    .where('departments.credit_code', '=', departmentCode)
    .where('seals.algorithm', '=', 'ED25519')
    .where('seals.status', '!=', 'revoked')
    .orderBy('seals.created_at', 'desc')
    .execute();
}

/** Exports a valid licence as a W3C VC 2.0 with an eddsa-rdfc-2022 proof by the department's Ed25519 seal. */
export async function exportCredential(p: Platform, ctx: Ctx, id: string) {
  requireSignedIn(ctx);
  const r = await rowById(p.db, id);
  if (!mayHold(ctx, r) && !mayStaffRead(ctx, r))
    throw Object.assign(forbidden(), { auditAction: 'denied:licences.vc', auditObject: id });
  if (effectiveStatus(r) !== 'valid')
    throw conflict('LICENCE_NOT_VALID', '只能导出有效的证照', 'Only a valid licence can be exported');
  const keys = (await ed25519KeysOf(p, r.issuer_code)).filter(
    (k: any) => k.status === 'active' && new Date(k.valid_from) <= new Date() && new Date(k.valid_to) > new Date(),
  );
  const key = keys[0];
  if (!key)
    throw conflict(
      'NO_ED25519_SEAL',
      '颁证部门没有有效的 Ed25519 电子印章，无法导出可验证凭证',
      'The issuing department has no valid Ed25519 seal to sign a Verifiable Credential',
    );
  const type = (await typeById(p.db, r.type_id))!;
  const vc = await issueLicenceCredential(
    {
      identifier: r.identifier,
      typeName: type.name,
      typeCode: type.typeCode,
      licenceNumber: r.licence_number,
      holderName: r.holder_name,
      holderCode: unseal(p.config.secretKey, r.holder_code_sealed),
      holderCodeType: r.holder_code_type,
      issuerName: r.issuer_name,
      issuerCode: r.issuer_code,
      issueDate: r.issue_date,
      validFrom: r.valid_from,
      validTo: r.valid_to ?? null,
      jurisdictionCode: r.jurisdiction_code,
      data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
      status: r.status,
      statusUrl: `${p.config.publicUrl}/api/v1/licences/verify/${encodeURIComponent(r.identifier)}`,
    },
    {
      controller: issuerController(p, r.issuer_code),
      publicKeyPem: key.public_key_pem,
      privateKeyPem: unsealKey(p.config, key.private_key_sealed),
    },
  );
  await p.db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      action: 'licences.licence.vc_export',
      objectType: 'licence',
      objectId: id,
      detail: { sealId: key.id },
    }),
  );
  return vc;
}

/** Public: the controller (DID) document of an issuing department's VC keys (its Ed25519 seals). */
export async function issuerDocument(p: Platform, creditCode: string) {
  if (checkCreditCode(creditCode)) throw notFound('issuer', '颁证单位');
  const keys = await ed25519KeysOf(p, creditCode);
  if (!keys.length) throw notFound('issuer', '颁证单位');
  const controller = issuerController(p, creditCode);
  return issuerControllerDocument(
    controller,
    keys.map((k: any) => ({ controller, publicKeyPem: k.public_key_pem })),
  );
}

// ---------------------------------------------------------------- the licence base library (证照库)

const csvCell = (v: unknown) => {
  const t = v == null ? '' : String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/**
 * The licence register as CSV (证照标识, type, holder code and name, issuer, dates, status), for the
 * data exchange's licence base library, which loads it through its CSV connector. Holds personal
 * data (holder codes): the caller must be the system or hold licences.read everywhere; audited.
 */
export async function licenceRegisterCsv(p: Platform, ctx: Ctx): Promise<Buffer> {
  authorize(ctx, READ);
  const rows = await p.db
    .selectFrom('licences')
    .innerJoin('licence_types', 'licence_types.id', 'licences.type_id')
    .select([
      'licences.identifier',
      'licence_types.name as type_name',
      'licences.holder_code_sealed',
      'licences.holder_name',
      'licences.issuer_name',
      'licences.issue_date',
      'licences.valid_to',
      'licences.status',
    ])
    .orderBy('licences.created_at')
    .execute();
  const lines = ['licence_id,licence_type,holder_code,holder_name,issuer,issue_date,valid_to,status'];
  for (const r of rows as any[])
    lines.push(
      [
        r.identifier,
        r.type_name,
        unseal(p.config.secretKey, r.holder_code_sealed),
        r.holder_name,
        r.issuer_name,
        r.issue_date,
        r.valid_to ?? '',
        r.status,
      ]
        .map(csvCell)
        .join(','),
    );
  await p.db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      action: 'licences.register.export',
      objectType: 'licence',
      objectId: null,
      detail: { rows: rows.length },
    }),
  );
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}
