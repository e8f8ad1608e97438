/**
 * Licences benchmark (`npm run bench:licences`): seal signatures per second per core, public
 * verification by identifier against bare select-by-key routes of the same run, and PDF issuance,
 * on PostgreSQL and PGlite. All traffic goes to 127.0.0.1. See docs/benchmarks.md ("Licences benchmark").
 *
 * Environment:
 *   BENCH_DB=both|postgres|pglite   which back ends for the HTTP parts (default both; PostgreSQL first)
 *   BENCH_PG_URL=postgres://…       server to create the throw-away database on
 *   BENCH_DURATION=8                measured seconds per HTTP scenario (after 1 s warm-up)
 *   BENCH_CRYPTO_DURATION=2         seconds per signing / verification loop
 *   BENCH_PDF_DURATION=3            seconds per in-process PDF issuance loop (per algorithm)
 *   BENCH_LICENCES=3000             licences in the database before the verification load
 *   BENCH_API_ISSUED=48             of which issued through POST /api/v1/licences (render + sign a PDF each)
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { anonymous, type Ctx, loadConfig, writeAudit } from '@yiwang/platform';
import { buildRuntime, modules, type Runtime } from '@yiwang/server';
import { idNumberCheckDigit, licenceIdentifier } from '@yiwang/shared';
import type autocannon from 'autocannon';
import Fastify from 'fastify';
import { type RawBuilder, sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { sm2 } from 'sm-crypto-v2';
import { unsealKey } from '../packages/modules/licences/src/keys.ts';
import { renderLicencePdf } from '../packages/modules/licences/src/pdf/render.ts';
import { signPdf } from '../packages/modules/licences/src/pdf/sign.ts';
import { verifyPdfSignature } from '../packages/modules/licences/src/pdf/verify.ts';
import { createIssuingCa, createRootCa, issueSealCertificate } from '../packages/modules/licences/src/pki/ca.ts';
import {
  generateKeyPair,
  pemToDer,
  SEAL_ALGORITHMS,
  type SealAlgorithm,
  SM2_DEFAULT_ID,
  signData,
  verifyData,
} from '../packages/modules/licences/src/pki/keys.ts';
import { BUSINESS_LICENCE_TYPE, RESIDENCE_PERMIT_TYPE } from '../packages/modules/licences/src/seed.ts';
import { signedRecord } from '../packages/modules/licences/src/service.ts';
import { cannon, onThrowAwayPostgres, settlerFor } from './lib.ts';

const ROOT = join(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const WHICH = (process.env.BENCH_DB || 'both').toLowerCase();
const DURATION_S = Number(process.env.BENCH_DURATION || 8);
const CRYPTO_S = Number(process.env.BENCH_CRYPTO_DURATION || 2);
const PDF_S = Number(process.env.BENCH_PDF_DURATION || 3);
const LICENCES = Number(process.env.BENCH_LICENCES || 3000);
const API_ISSUED = Number(process.env.BENCH_API_ISSUED || 48);
const WARMUP_S = 1;
const CONNECTIONS = 10;
const ISSUE_CONNECTIONS = 2;
/** Distinct client addresses sent in x-forwarded-for (see `clientIp`). */
const CLIENT_IPS = 4096;
const ADMIN = { username: 'admin', password: 'Yiwang@2026', totpSecret: 'JBSWY3DPEHPK3PXPYIWANGDEMO' };
/** Upper bound of iterations of any timed in-process loop (the loops also stop after their duration). */
const MAX_ITERATIONS = 5_000_000;
/** Size of the message of the raw signature loops (a whole record of the generated licences is 420–480 bytes). */
const MESSAGE_BYTES = 300;

/** Modules whose demo seed runs (org: departments and staff; catalog and cases: the items the types link to). */
const SEEDED = ['org', 'identity', 'catalog', 'cases', 'licences'];

/** Targets of the issue. */
const TARGET = { verifyVsBareSelect: 0.8 };

const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const load1 = () => round(loadavg()[0]!, 2);
const fmt = (n: number) => n.toLocaleString('en');

// Generated rows are signed over the service's own record format (`signedRecord`, imported).

/** A valid GB 11643 number in 440604 (禅城区), born 1960-01-01 + n·37 days (mod ~40 years). */
function idNumber(n: number): string {
  const birth = new Date(Date.UTC(1960, 0, 1) + ((n * 37) % 14_600) * 86_400_000);
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `440604${ymd}${String(100 + (n % 900)).padStart(3, '0')}`;
  return body + idNumberCheckDigit(body);
}

const dayShift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

// ---------- 1. raw signatures ----------

interface CryptoResult {
  algorithm: SealAlgorithm;
  messageBytes: number;
  sign: Rate;
  verify: Rate;
  /** The primitive with the public key parsed once (not the module's path; shows what verifyData's PEM parsing costs). */
  verifyPreparsed: Rate;
  verifyFailures: number;
  tamperedRejected: boolean;
}

/** Runs `fn` in a tight loop for `seconds` in this thread (after a short warm-up); operations per second. */
/** Operations per wall-clock second and per CPU second of this process (the latter is less affected by other load). */
interface Rate {
  perS: number;
  perCpuS: number;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `fn` in a tight loop for `seconds` in this thread (after a short warm-up). */
function timedLoop(seconds: number, fn: () => void): Rate {
  const warmUntil = performance.now() + Math.min(300, seconds * 200);
  for (let i = 0; i < MAX_ITERATIONS && performance.now() < warmUntil; i++) fn();
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  let n = 0;
  while (n < MAX_ITERATIONS && performance.now() < until) {
    fn();
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  return { perS: round(n / wall), perCpuS: round(n / Math.max(1e-6, cpuSeconds() - c0)) };
}

const rate = (r: Rate) => `${fmt(r.perS)}/s (${fmt(r.perCpuS)}/CPU-s)`;

function benchCrypto(message: Buffer): CryptoResult[] {
  const out: CryptoResult[] = [];
  for (const algorithm of SEAL_ALGORITHMS) {
    const keys = generateKeyPair(algorithm);
    const signature = signData(algorithm, keys.privateKeyPem, message);
    if (!verifyData(algorithm, keys.publicKeyPem, message, signature))
      throw new Error(`${algorithm}: a fresh signature does not verify`);
    const tampered = Buffer.from(message);
    tampered[10] ^= 1;
    const tamperedRejected = !verifyData(algorithm, keys.publicKeyPem, tampered, signature);

    const sign = timedLoop(CRYPTO_S, () => {
      signData(algorithm, keys.privateKeyPem, message);
    });
    let verifyFailures = 0;
    const verify = timedLoop(CRYPTO_S, () => {
      if (!verifyData(algorithm, keys.publicKeyPem, message, signature)) verifyFailures++;
    });
    let preparsed: () => boolean;
    if (algorithm === 'SM2') {
      // The uncompressed point: the last 65 bytes of the SPKI DER.
      const q = pemToDer(keys.publicKeyPem).subarray(-65).toString('hex');
      const sigHex = signature.toString('hex');
      preparsed = () => sm2.doVerifySignature(message, sigHex, q, { der: true, hash: true, userId: SM2_DEFAULT_ID });
    } else {
      const key = createPublicKey(keys.publicKeyPem);
      const hash = algorithm === 'ED25519' ? null : 'sha256';
      preparsed = () => nodeVerify(hash, message, key, signature);
    }
    if (!preparsed()) throw new Error(`${algorithm}: the pre-parsed verification disagrees`);
    const verifyPreparsed = timedLoop(CRYPTO_S, () => {
      if (!preparsed()) verifyFailures++;
    });
    const r = {
      algorithm,
      messageBytes: message.length,
      sign,
      verify,
      verifyPreparsed,
      verifyFailures,
      tamperedRejected,
    };
    console.log(
      `  ${algorithm.padEnd(8)} sign ${rate(sign)}   verifyData ${rate(verify)}   key pre-parsed ${rate(verifyPreparsed)}` +
        `   (failures ${verifyFailures}, tampered rejected: ${tamperedRejected}; load ${load1()})`,
    );
    out.push(r);
  }
  return out;
}

// ---------- 2. PDF issuance in this process ----------

interface PdfResult {
  algorithm: SealAlgorithm;
  pdfs: number;
  perS: number;
  renderMs: number;
  signMs: number;
  /** PDFs per CPU second of this process. */
  perCpuS: number;
  pdfBytes: number;
  verified: string;
}

async function benchPdf(): Promise<PdfResult[]> {
  const root = await createRootCa({ commonName: '基准 电子证照根 CA', organization: '基准', years: 20 });
  const issuing = await createIssuingCa(root, { commonName: '基准 电子印章签发 CA', years: 10 });
  const out: PdfResult[] = [];
  const day = new Date().toISOString().slice(0, 10);
  for (const algorithm of SEAL_ALGORITHMS) {
    const keys = generateKeyPair(algorithm);
    const certPem = await issueSealCertificate(issuing, {
      algorithm,
      publicKeyPem: keys.publicKeyPem,
      commonName: '佛山市市场监督管理局',
      organization: '佛山市市场监督管理局',
      creditCode: '11440600MB2C92271X',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });
    const signer = { algorithm, privateKeyPem: keys.privateKeyPem, certPem, chainPems: [issuing.certPem] };
    /** One licence: render, then sign; returns the signed PDF and the two durations. */
    const one = async (n: number) => {
      const number = `440600${day.replaceAll('-', '')}${String(n + 1).padStart(4, '0')}`;
      const identifier = licenceIdentifier({
        typeCode: BUSINESS_LICENCE_TYPE,
        issuerCode: '11440600MB2C92271X',
        number,
        version: 1,
      });
      const a = performance.now();
      const unsigned = await renderLicencePdf({
        title: '营业执照（个体工商户）',
        titleEn: 'Business licence (individual business)',
        identifier,
        licenceNumber: number,
        holderName: '陈美玲',
        holderCode: idNumber(n),
        fields: [
          { label: '名称', value: '禅城区美玲糖水铺' },
          { label: '经营者', value: '陈美玲' },
          { label: '经营场所', value: `佛山市禅城区祖庙路 ${(n % 200) + 1} 号首层` },
          { label: '经营范围', value: '餐饮服务；甜品制售' },
        ],
        issuerName: '佛山市市场监督管理局',
        issueDate: day,
        validFrom: day,
        verifyUrl: `http://localhost:3000/verify/${identifier}`,
        seal: { departmentName: '佛山市市场监督管理局' },
        metadata: { identifier, typeCode: BUSINESS_LICENCE_TYPE, licenceNumber: number, version: '1' },
      });
      const b = performance.now();
      const pdf = await signPdf(unsigned, signer, {
        reason: `营业执照（个体工商户）（${identifier}）`,
        location: '佛山市市场监督管理局',
        name: '佛山市市场监督管理局电子证照专用章',
      });
      return { pdf, renderMs: b - a, signMs: performance.now() - b };
    };
    // Warm-up (fonts, JIT), not counted.
    const warmUntil = performance.now() + 1000;
    for (let i = 0; i < 3 || (i < 20 && performance.now() < warmUntil); i++) await one(9000 + i);
    let n = 0;
    let renderMs = 0;
    let signMs = 0;
    let last: Buffer | null = null;
    const until = performance.now() + PDF_S * 1000;
    const c0 = cpuSeconds();
    const t0 = performance.now();
    while (n < 10_000 && (n === 0 || performance.now() < until)) {
      const r = await one(n);
      last = r.pdf;
      renderMs += r.renderMs;
      signMs += r.signMs;
      n++;
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - c0;
    const check = await verifyPdfSignature(last!, { anchors: [root.certPem] });
    const r: PdfResult = {
      algorithm,
      pdfs: n,
      perS: round(n / elapsed, 2),
      perCpuS: round(n / Math.max(1e-6, cpu), 2),
      renderMs: round(renderMs / n),
      signMs: round(signMs / n),
      pdfBytes: last!.length,
      verified: check.status,
    };
    console.log(
      `  ${algorithm.padEnd(8)} ${String(r.perS).padStart(6)} PDFs/s, ${r.perCpuS}/CPU-s  (render ${r.renderMs} ms + sign ${r.signMs} ms; ` +
        `${n} PDFs of ${fmt(r.pdfBytes)} bytes; last one verifies: ${r.verified}; load ${load1()})`,
    );
    out.push(r);
  }
  return out;
}

// ---------- HTTP load ----------

interface Answers {
  valid: number;
  notValid: number;
  /** Non-2xx answers by status code. */
  statuses: Record<string, number>;
  /** Non-valid 2xx answers by their `status` field. */
  notValidStatuses: Record<string, number>;
  /** Non-valid answers by the seal algorithm of the identifier. */
  notValidByAlgorithm: Record<string, number>;
}

interface Scenario {
  name: string;
  label: string;
  connections: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  load1: number;
  /** CPU of this process (server + bare app + autocannon) during the measured run, % of one core. */
  cpuPct: number;
  answers?: Answers;
  ratio?: number;
  baseline?: string;
}

/** 1 s warm-up (discarded), then DURATION_S measured; `make` builds fresh answer counters for each run. */
async function measure(
  name: string,
  label: string,
  settle: () => Promise<void>,
  make: (answers: Answers) => autocannon.Options,
  connections = CONNECTIONS,
): Promise<Scenario> {
  const fresh = (): Answers => ({
    valid: 0,
    notValid: 0,
    statuses: {},
    notValidStatuses: {},
    notValidByAlgorithm: {},
  });
  await cannon({ connections, ...make(fresh()), duration: WARMUP_S });
  await settle();
  const answers = fresh();
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const r = await cannon({ connections, ...make(answers), duration: DURATION_S });
  const cpuPct = Math.round(((cpuSeconds() - c0) / ((performance.now() - t0) / 1000)) * 100);
  await settle();
  const s: Scenario = {
    name,
    label,
    connections,
    rps: round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    load1: load1(),
    cpuPct,
    answers,
  };
  const statuses = Object.entries(answers.statuses)
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
  console.log(
    `  ${label.padEnd(46)} ${String(s.rps).padStart(8)} req/s  p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  max ${s.max} ms ` +
      `(${s.total} req, non-2xx ${s.non2xx}${statuses ? ` [${statuses}]` : ''}, errors ${s.errors}, timeouts ${s.timeouts}; ` +
      `valid ${answers.valid}, not valid ${answers.notValid}; CPU ${cpuPct} %; load ${s.load1})`,
  );
  return s;
}

/** The n-th of CLIENT_IPS client addresses in 10.0.0.0/8 (what a reverse proxy in front would send). */
function clientIp(n: number): string {
  const k = (n % CLIENT_IPS) + 1;
  return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
}

async function call(method: string, url: string, token: string | null, body?: unknown, ip?: string) {
  const r = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(ip ? { 'x-forwarded-for': ip } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: r.status, body: json, text };
}

async function adminLogin(base: string): Promise<string> {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(ADMIN.totpSecret) }).generate();
  const r = await call('POST', `${base}/api/v1/identity/login`, null, {
    username: ADMIN.username,
    password: ADMIN.password,
    totp,
    tokenType: 'bearer',
  });
  if (r.status !== 200 || !r.body?.token) throw new Error(`admin sign-in failed: ${r.status} ${r.text}`);
  return r.body.token;
}

// ---------- one database ----------

interface DbResult {
  database: 'PostgreSQL' | 'PGlite';
  skipped?: string;
  startMs?: number;
  data?: {
    licences: number;
    apiIssued: number;
    apiIssueSequentialMs: number;
    generated: number;
    generateMs: number;
    byAlgorithm: Record<string, number>;
    pdfBytesPerRow: number;
    sampleChecked: number;
  };
  scenarios?: Scenario[];
  auditRowsAfter?: number;
  peakRssMiB?: number;
}

interface IssueBody {
  typeId: string;
  departmentId: string;
  holder: { name: string; code: string; codeType: '111' };
  data: Record<string, string>;
}

const NAMES = ['陈志明', '林晓燕', '黄国强', '梁淑仪', '何家豪', '罗美玲', '郭振华', '周丽萍', '吴俊杰', '徐慧敏'];

async function benchDatabase(database: DbResult['database'], databaseUrl: string | null): Promise<DbResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-bench-licences-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'true',
    SEED_DEMO_CASES: 'false',
    PORT: '0',
    HOST,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  console.log(
    `\n== ${database}${databaseUrl ? ` (${databaseUrl.replace(/\/\/[^@]*@/, '//')})` : ` (DATA_DIR ${dataDir})`}`,
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  sampler.unref();
  let rt: Runtime | null = null;
  const bare = Fastify({ logger: false });
  try {
    const t0 = performance.now();
    rt = await buildRuntime({ config: loadConfig(env), seed: false, logger: false, webDist: null });
    // The demo data the licences need, in the composition root's order; other modules' seeds are
    // left out so that their work in progress cannot stop this bench (none of them is on a measured path).
    for (const m of modules)
      if (SEEDED.includes(m.name)) await m.seed?.(rt.platform, (line) => console.log(`  ${line}`));
    await rt.app.listen({ port: 0, host: HOST });
    const startMs = Math.round(performance.now() - t0);
    const addr = rt.app.server.address();
    const base = `http://${HOST}:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const db = rt.platform.db;
    console.log(`  runtime up (migrations + demo seed of ${SEEDED.join(', ')}, no demo cases): ${startMs} ms`);

    // ----- licences through the API -----
    const admin = await adminLogin(base);
    const types = await call('GET', `${base}/api/v1/licences/types`, null);
    const typeOf = (code: string) => (types.body as any[]).find((t) => t.typeCode === code);
    const business = typeOf(BUSINESS_LICENCE_TYPE);
    const residence = typeOf(RESIDENCE_PERMIT_TYPE);
    if (!business || !residence) throw new Error('demo licence types not found');
    let nextHolder = 0;
    const issueBody = (): IssueBody => {
      const n = nextHolder++;
      const name = NAMES[n % NAMES.length]!;
      const holder = { name, code: idNumber(n), codeType: '111' as const };
      return n % 2 === 0
        ? {
            typeId: business.id,
            departmentId: business.issuingDepartmentIds[0],
            holder,
            data: {
              tradeName: `禅城区${name}便利店第${n + 1}号`,
              operator: name,
              premises: `佛山市禅城区祖庙路 ${(n % 200) + 1} 号首层`,
              businessScope: '预包装食品销售；日用百货销售',
            },
          }
        : {
            typeId: residence.id,
            departmentId: residence.issuingDepartmentIds[0],
            holder,
            data: {
              name,
              residence: `佛山市南海区桂城街道南海大道北 ${(n % 300) + 1} 号`,
              employer: '佛山市某制造有限公司',
            },
          };
    };
    const tIssue = performance.now();
    const issuedIds: string[] = [];
    for (let i = 0; i < API_ISSUED; i++) {
      const r = await call('POST', `${base}/api/v1/licences`, admin, issueBody());
      if (r.status !== 201 || !r.body?.id)
        throw new Error(`POST /licences answered ${r.status} ${r.text.slice(0, 300)}`);
      issuedIds.push(r.body.id);
    }
    const apiIssueSequentialMs = Math.round(performance.now() - tIssue);
    console.log(
      `  ${API_ISSUED} licences issued through POST /api/v1/licences, one after another: ${apiIssueSequentialMs} ms ` +
        `(${round(API_ISSUED / (apiIssueSequentialMs / 1000), 2)}/s)`,
    );

    // ----- more rows: copies of those with new numbers, signed over the service's record format -----
    const seals = (await db
      .selectFrom('seals')
      .select(['id', 'algorithm', 'department_id', 'private_key_sealed'])
      .where('status', '=', 'active')
      .execute()) as { id: string; algorithm: SealAlgorithm; department_id: string; private_key_sealed: string }[];
    const sources = (await db
      .selectFrom('licences')
      .select([
        'id',
        'type_id',
        'issuer_department_id',
        'issuer_code',
        'holder_name',
        'holder_code_hmac',
        'jurisdiction_code',
        'data',
        'pdf_sha256',
      ])
      .where('id', 'in', issuedIds)
      .execute()) as any[];
    const sealFor = (alg: SealAlgorithm, departmentId: string) =>
      seals.find((s) => s.algorithm === alg && s.department_id === departmentId);
    const plans = SEAL_ALGORITHMS.map((alg) => {
      const src = sources.filter((s) => sealFor(alg, s.issuer_department_id));
      const seal = src.length ? sealFor(alg, src[0].issuer_department_id)! : undefined;
      return { alg, src, seal, key: seal ? unsealKey(rt!.platform.config, seal.private_key_sealed) : '' };
    }).filter((p) => p.seal && p.src.length > 0);
    if (plans.length !== SEAL_ALGORITHMS.length)
      console.log(
        `  note: copies only for ${plans.map((p) => p.alg).join(', ')} (no API-issued source for the others)`,
      );
    const typeCodeOf = new Map<string, string>([
      [business.id, business.typeCode],
      [residence.id, residence.typeCode],
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const toGenerate = Math.max(0, LICENCES - API_ISSUED);
    const tGen = performance.now();
    const BATCH = 250;
    for (let start = 0; start < toGenerate; start += BATCH) {
      const rows: RawBuilder<unknown>[] = [];
      for (let i = start; i < Math.min(toGenerate, start + BATCH); i++) {
        const plan = plans[i % plans.length]!;
        const s = plan.src[Math.floor(i / plans.length) % plan.src.length];
        // Days before today, so no number collides with those POST /licences draws today.
        const day = dayShift(today, -1 - Math.floor(i / 500));
        const number = `${s.jurisdiction_code}${day.replaceAll('-', '')}${String((i % 500) + 1).padStart(4, '0')}`;
        const identifier = licenceIdentifier({
          typeCode: typeCodeOf.get(s.type_id)!,
          issuerCode: s.issuer_code,
          number,
          version: 1,
        });
        const validTo = s.type_id === residence.id ? dayShift(day, 364) : null;
        const record = signedRecord({
          identifier,
          type_id: s.type_id,
          licence_number: number,
          version: 1,
          issuer_code: s.issuer_code,
          holder_name: s.holder_name,
          holder_code_hmac: s.holder_code_hmac,
          issue_date: day,
          valid_from: day,
          valid_to: validTo,
          jurisdiction_code: s.jurisdiction_code,
          data: s.data,
          pdf_sha256: s.pdf_sha256,
        });
        const signature = signData(plan.alg, plan.key, record).toString('base64');
        rows.push(
          sql`(${crypto.randomUUID()}, ${s.id}, ${identifier}, ${number}, ${day}, ${validTo}, ${plan.seal!.id}, ${signature})`,
        );
      }
      await db.transaction().execute((tx) =>
        sql`
          insert into licences (
            id, identifier, type_id, licence_number, version, issuer_department_id, issuer_name, issuer_code,
            holder_account_id, holder_name, holder_code_sealed, holder_code_hmac, holder_code_masked, holder_code_type,
            issue_date, valid_from, valid_to, jurisdiction_code, data, disclosure, seal_id, record_signature,
            pdf, pdf_sha256, created_by
          )
          select v.id, v.identifier, s.type_id, v.licence_number, 1, s.issuer_department_id, s.issuer_name, s.issuer_code,
            s.holder_account_id, s.holder_name, s.holder_code_sealed, s.holder_code_hmac, s.holder_code_masked,
            s.holder_code_type, v.day, v.day, v.valid_to, s.jurisdiction_code, s.data, '[]'::jsonb, v.seal_id,
            v.record_signature, s.pdf, s.pdf_sha256, 'bench'
          from (values ${sql.join(rows)}) as v (id, src, identifier, licence_number, day, valid_to, seal_id, record_signature)
          join licences s on s.id = v.src
        `.execute(tx),
      );
    }
    const generateMs = Math.round(performance.now() - tGen);
    await sql`analyze licences`.execute(db);
    const all = (await db
      .selectFrom('licences')
      .innerJoin('seals', 'seals.id', 'licences.seal_id')
      .select(['licences.identifier', 'seals.algorithm', 'licences.status'])
      .orderBy('licences.identifier')
      .execute()) as { identifier: string; algorithm: SealAlgorithm; status: string }[];
    // The three demo licences include superseded/old ones only if the seed made them; keep the valid ones.
    const targets = all.filter((r) => r.status === 'valid');
    const algOf = new Map(targets.map((r) => [r.identifier, r.algorithm]));
    // Interleave the algorithms (deterministic shuffle), so each load mixes them as the table does.
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const ids = targets.map((r) => r.identifier);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const byAlgorithm: Record<string, number> = {};
    for (const r of targets) byAlgorithm[r.algorithm] = (byAlgorithm[r.algorithm] ?? 0) + 1;
    const pdfSize = await sql<{ n: string }>`select avg(octet_length(pdf))::int as n from licences`.execute(db);
    const pdfBytesPerRow = Number(pdfSize.rows[0]?.n ?? 0);
    console.log(
      `  ${fmt(toGenerate)} more rows generated in ${generateMs} ms; ${fmt(targets.length)} valid licences ` +
        `(${Object.entries(byAlgorithm)
          .map(([a, n]) => `${a} ${n}`)
          .join(', ')}), PDF ${fmt(pdfBytesPerRow)} bytes per row on average`,
    );

    // Sample check through the API before the load: some of each algorithm must verify as valid.
    let sampleChecked = 0;
    for (const alg of SEAL_ALGORITHMS) {
      for (const r of targets.filter((t) => t.algorithm === alg).slice(0, 8)) {
        const v = await call('GET', `${base}/api/v1/licences/verify/${r.identifier}`, null, undefined, clientIp(9999));
        if (v.status !== 200 || v.body?.status !== 'valid')
          throw new Error(`${alg} licence ${r.identifier} does not verify: ${v.status} ${v.text.slice(0, 300)}`);
        sampleChecked++;
      }
    }
    console.log(`  sample: ${sampleChecked} licences verified as valid through the API before the load`);

    // ----- bare routes, same process, same database handle -----
    bare.get<{ Params: { identifier: string } }>('/bare/licence/:identifier', async (req, reply) => {
      const r = await db
        .selectFrom('licences')
        .select(['id', 'status'])
        .where('identifier', '=', req.params.identifier)
        .executeTakeFirst();
      return r ? { id: r.id, status: r.status } : reply.status(404).send({ status: 'unknown' });
    });
    bare.get<{ Params: { identifier: string } }>('/bare/licence-row/:identifier', async (req, reply) => {
      const r = await db
        .selectFrom('licences')
        .selectAll()
        .where('identifier', '=', req.params.identifier)
        .executeTakeFirst();
      return r ? { id: r.id, status: r.status } : reply.status(404).send({ status: 'unknown' });
    });
    bare.get<{ Params: { identifier: string } }>('/bare/licence-audit/:identifier', async (req, reply) => {
      const identifier = req.params.identifier;
      const r = await db
        .selectFrom('licences')
        .select(['id', 'status'])
        .where('identifier', '=', identifier)
        .executeTakeFirst();
      const ctx: Ctx = { caller: anonymous, requestId: crypto.randomUUID(), ip: req.ip };
      // The write verifyByIdentifier makes, in its own transaction, as there.
      await db.transaction().execute((tx) =>
        writeAudit(tx, ctx, {
          action: 'licences.verify.identifier',
          objectType: 'licence',
          objectId: r?.id ?? null,
          detail: { identifier, status: r?.status ?? 'unknown' },
        }),
      );
      return r ? { id: r.id, status: r.status } : reply.status(404).send({ status: 'unknown' });
    });
    await bare.listen({ port: 0, host: HOST });
    const bareAddr = bare.server.address();
    const bareBase = `http://${HOST}:${typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0}`;

    // ----- load -----
    const settle = settlerFor(db);
    let next = 0;
    /** GET `${prefix}${identifier}` over all valid identifiers, each answer checked for status "valid". */
    const rotating =
      (url: string, prefix: string) =>
      (answers: Answers): autocannon.Options => ({
        url,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const n = next++;
              return {
                ...req,
                path: `${prefix}${ids[n % ids.length]}`,
                headers: { 'x-forwarded-for': clientIp(n) },
              };
            },
            onResponse: (status, body) => {
              if (status < 200 || status > 299) {
                answers.statuses[status] = (answers.statuses[status] ?? 0) + 1;
                return;
              }
              if (body.includes('"status":"valid"')) {
                answers.valid++;
                return;
              }
              answers.notValid++;
              let st = 'unparsable';
              let alg = 'unknown';
              try {
                const j = JSON.parse(body);
                st = String(j.status);
                alg = algOf.get(j.identifier) ?? 'unknown';
              } catch {
                // counted as unparsable
              }
              answers.notValidStatuses[st] = (answers.notValidStatuses[st] ?? 0) + 1;
              answers.notValidByAlgorithm[alg] = (answers.notValidByAlgorithm[alg] ?? 0) + 1;
            },
          },
        ],
      });

    const sc: Scenario[] = [];
    sc.push(
      await measure(
        'bareSelect',
        'bare GET select id,status by identifier',
        settle,
        rotating(bareBase, '/bare/licence/'),
      ),
    );
    sc.push(
      await measure(
        'bareRow',
        'bare GET select * by identifier (with the PDF)',
        settle,
        rotating(bareBase, '/bare/licence-row/'),
      ),
    );
    sc.push(
      await measure(
        'bareAudit',
        'bare GET select id,status + audit write',
        settle,
        rotating(bareBase, '/bare/licence-audit/'),
      ),
    );
    sc.push(
      await measure('verify', 'GET /licences/verify/{identifier}', settle, rotating(base, '/api/v1/licences/verify/')),
    );
    sc.push(
      await measure(
        'issue',
        `POST /licences (render + sign + insert + audit)`,
        settle,
        (answers) => ({
          url: base,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                path: '/api/v1/licences',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
                body: JSON.stringify(issueBody()),
              }),
              onResponse: (status) => {
                if (status === 201) answers.valid++;
                else answers.statuses[status] = (answers.statuses[status] ?? 0) + 1;
              },
            },
          ],
        }),
        ISSUE_CONNECTIONS,
      ),
    );

    const by = (n: string) => sc.find((s) => s.name === n)!;
    for (const n of ['bareRow', 'bareAudit', 'verify']) {
      const s = by(n);
      const b = by('bareSelect');
      s.baseline = b.label;
      s.ratio = b.rps > 0 ? Number((s.rps / b.rps).toPrecision(3)) : undefined;
    }
    const audit = await sql<{ n: string }>`select count(*) as n from audit_log`.execute(db);
    return {
      database,
      startMs,
      data: {
        licences: targets.length,
        apiIssued: API_ISSUED,
        apiIssueSequentialMs,
        generated: toGenerate,
        generateMs,
        byAlgorithm,
        pdfBytesPerRow,
        sampleChecked,
      },
      scenarios: sc,
      auditRowsAfter: Number(audit.rows[0]?.n ?? 0),
      peakRssMiB: mib(peakRss),
    };
  } finally {
    clearInterval(sampler);
    await bare.close();
    if (rt) await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------- PostgreSQL database ----------

async function onPostgres(): Promise<DbResult> {
  return onThrowAwayPostgres(PG_URL, 'licences', (url) => benchDatabase('PostgreSQL', url));
}

// ---------- report ----------

function verdicts(r: DbResult): string[] {
  if (!r.scenarios) return [];
  const by = (n: string) => r.scenarios!.find((s) => s.name === n)!;
  const v = by('verify');
  const a = v.answers!;
  const bad = v.non2xx + v.errors + v.timeouts + a.notValid;
  return [
    `verification ${v.rps} req/s = ${v.ratio} × bare select-by-key ${by('bareSelect').rps} req/s ` +
      `(target ≥ ${TARGET.verifyVsBareSelect}): ${(v.ratio ?? 0) >= TARGET.verifyVsBareSelect ? 'met' : 'NOT met'}`,
    `verification answers: ${fmt(a.valid)} valid, ${a.notValid} not valid, ${v.non2xx} non-2xx, ` +
      `${v.errors} errors, ${v.timeouts} timeouts${bad === 0 ? '' : ' — CHECK'}`,
    `verification = ${by('bareAudit').rps > 0 ? Number((v.rps / by('bareAudit').rps).toPrecision(3)) : '–'} × ` +
      `the bare select + audit write (${by('bareAudit').rps} req/s)`,
    `bare select * (row with its PDF): ${by('bareRow').ratio} × bare select; ` +
      `bare select + audit write: ${by('bareAudit').ratio} × bare select`,
    `POST /licences at ${ISSUE_CONNECTIONS} connections: ${by('issue').rps} licences/s, p50 ${by('issue').p50} ms, ` +
      `p99 ${by('issue').p99} ms (${by('issue').answers!.valid} × 201)`,
  ];
}

function markdown(signatures: CryptoResult[], pdfs: PdfResult[], results: DbResult[]): string {
  const lines: string[] = [];
  lines.push(
    `#### Signatures (one thread, ${CRYPTO_S} s per loop, ${signatures[0]?.messageBytes ?? '?'}-byte message)`,
    '',
    'Per wall-clock second, and in brackets per CPU second of the process.',
    '',
    '| Algorithm | sign/s | verifyData/s | verify/s, key parsed once | failures |',
    '|---|---:|---:|---:|---:|',
  );
  for (const c of signatures)
    lines.push(
      `| ${c.algorithm} | ${fmt(c.sign.perS)} (${fmt(c.sign.perCpuS)}) | ${fmt(c.verify.perS)} (${fmt(c.verify.perCpuS)}) | ` +
        `${fmt(c.verifyPreparsed.perS)} (${fmt(c.verifyPreparsed.perCpuS)}) | ${c.verifyFailures} |`,
    );
  lines.push(
    '',
    `#### PDF issuance in-process (renderLicencePdf + signPdf, one after another, ${PDF_S} s per algorithm)`,
    '',
    '| Seal | PDFs/s | PDFs/CPU-s | render ms | sign ms | PDF bytes | last PDF verifies |',
    '|---|---:|---:|---:|---:|---:|---|',
  );
  for (const p of pdfs)
    lines.push(
      `| ${p.algorithm} | ${p.perS} | ${p.perCpuS} | ${p.renderMs} | ${p.signMs} | ${fmt(p.pdfBytes)} | ${p.verified} |`,
    );
  lines.push('');
  for (const r of results) {
    lines.push(`#### ${r.database}`, '');
    if (r.skipped) {
      lines.push(`Skipped: ${r.skipped}`, '');
      continue;
    }
    const d = r.data!;
    lines.push(
      `Data: ${fmt(d.licences)} valid licences (${Object.entries(d.byAlgorithm)
        .map(([a, n]) => `${a} ${fmt(n)}`)
        .join(', ')}); ${d.apiIssued} issued through the API one after another in ${fmt(d.apiIssueSequentialMs)} ms ` +
        `(${round(d.apiIssued / (d.apiIssueSequentialMs / 1000), 2)}/s), ${fmt(d.generated)} generated in ${fmt(d.generateMs)} ms; ` +
        `${fmt(d.pdfBytesPerRow)} PDF bytes per row.`,
      '',
      '| Scenario | Conn. | Requests/s | p50 ms | p90 ms | p99 ms | Requests | Non-2xx | Not valid | × bare select | CPU % | Load |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const x of r.scenarios!)
      lines.push(
        `| ${x.label} | ${x.connections} | ${x.rps} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.total} | ` +
          `${x.non2xx + x.errors + x.timeouts} | ${x.name === 'issue' ? '–' : x.answers!.notValid} | ` +
          `${x.name === 'bareSelect' ? '1' : (x.ratio ?? '–')} | ${x.cpuPct} | ${x.load1} |`,
      );
    lines.push('', ...verdicts(r).map((v) => `- ${v}`), '');
  }
  return lines.join('\n');
}

function table(signatures: CryptoResult[], pdfs: PdfResult[], results: DbResult[]): void {
  console.log('\nSignatures per second, one thread');
  console.log(
    `${'algorithm'.padEnd(10)}${'sign/s'.padStart(10)}${'verify/s'.padStart(11)}${'preparsed/s'.padStart(13)}`,
  );
  for (const c of signatures)
    console.log(
      `${c.algorithm.padEnd(10)}${String(c.sign.perS).padStart(10)}${String(c.verify.perS).padStart(11)}${String(c.verifyPreparsed.perS).padStart(13)}` +
        `   per CPU-s: ${c.sign.perCpuS} / ${c.verify.perCpuS} / ${c.verifyPreparsed.perCpuS}`,
    );
  console.log('\nPDF issuance in-process');
  for (const p of pdfs)
    console.log(
      `${p.algorithm.padEnd(10)}${String(p.perS).padStart(8)} PDFs/s  render ${p.renderMs} ms  sign ${p.signMs} ms`,
    );
  for (const r of results) {
    if (r.skipped || !r.scenarios) continue;
    console.log(`\n${r.database}`);
    console.log(
      `${'scenario'.padEnd(48)}${'req/s'.padStart(9)}${'p50'.padStart(6)}${'p99'.padStart(6)}${'non-2xx'.padStart(9)}${'!valid'.padStart(8)}${'× bare'.padStart(8)}`,
    );
    for (const x of r.scenarios)
      console.log(
        `${x.label.padEnd(48)}${String(x.rps).padStart(9)}${String(x.p50).padStart(6)}${String(x.p99).padStart(6)}` +
          `${String(x.non2xx).padStart(9)}${String(x.name === 'issue' ? '-' : x.answers!.notValid).padStart(8)}${String(x.ratio ?? (x.name === 'bareSelect' ? 1 : '-')).padStart(8)}`,
      );
    for (const v of verdicts(r)) console.log(`  ${v}`);
  }
}

function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  let mhz: number | null = null;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /model name\s*:\s*(.+)/.exec(info);
    if (m) cpuModel = m[1]!.trim();
    const f = /cpu MHz\s*:\s*([\d.]+)/.exec(info);
    if (f) mhz = Math.round(Number(f[1]));
  } catch {
    // not Linux
  }
  return {
    cpus: cpus().length,
    cpuModel,
    cpuMHz: mhz,
    memTotalGiB: round(totalmem() / 1024 ** 3),
    memFreeGiB: round(freemem() / 1024 ** 3),
    node: process.version,
  };
}

// ---------- main ----------

async function main() {
  const started = performance.now();
  const loadAtStart = loadavg().map((x) => round(x, 2));
  console.log(
    `Yiwang licences benchmark: ${CONNECTIONS} connections (POST ${ISSUE_CONNECTIONS}), ${WARMUP_S} s warm-up + ` +
      `${DURATION_S} s per HTTP scenario; ${CRYPTO_S} s per signature loop, ${PDF_S} s per PDF loop. ` +
      `Load average at start: ${loadAtStart.join(' / ')}.`,
  );

  const message = signedRecord({
    identifier: licenceIdentifier({
      typeCode: BUSINESS_LICENCE_TYPE,
      issuerCode: '11440600MB2C92271X',
      number: '440600202612010001',
      version: 1,
    }),
    type_id: '0f8b9c2e-4a51-4d7b-9d0e-6c1f2a3b4c5d',
    licence_number: '440600202612010001',
    version: 1,
    issuer_code: '11440600MB2C92271X',
    holder_name: '陈美玲',
    holder_code_hmac: 'q7W3mZ0v9cQy1n8H2kLr5tXbJd4PaG6sUeFoYiRw0Ck',
    issue_date: '2026-12-01',
    valid_from: '2026-12-01',
    valid_to: null,
    jurisdiction_code: '440604',
    data: { tradeName: '禅城区美玲糖水铺', operator: '陈美玲' },
    pdf_sha256: 'a3f1c9e07b5d42e8a1c6f0b9d3e7a5c2f8b4d1e6a9c3f7b0e5d2a8c4f1b6e9d3',
  }).subarray(0, MESSAGE_BYTES);
  console.log(
    `\n== Signatures, one thread (${message.length}-byte message: the first bytes of a record in the service's format)`,
  );
  const signatures = benchCrypto(message);
  console.log('\n== PDF issuance in this process (render + sign, one after another)');
  const pdfs = await benchPdf();

  const results: DbResult[] = [];
  if (WHICH === 'both' || WHICH === 'postgres' || WHICH === 'postgresql') results.push(await onPostgres());
  if (WHICH === 'both' || WHICH === 'pglite') results.push(await benchDatabase('PGlite', null));

  table(signatures, pdfs, results);
  const totalS = round((performance.now() - started) / 1000);
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => round(x, 2)) },
    settings: {
      connections: CONNECTIONS,
      issueConnections: ISSUE_CONNECTIONS,
      warmupSeconds: WARMUP_S,
      durationSeconds: DURATION_S,
      cryptoSeconds: CRYPTO_S,
      pdfSeconds: PDF_S,
      licences: LICENCES,
      apiIssued: API_ISSUED,
      clientIps: CLIENT_IPS,
    },
    targets: TARGET,
    totalSeconds: totalS,
    signatures,
    pdfs,
    results,
  };
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `licences-${report.date.slice(0, 10)}-${WHICH}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const m = report.machine;
  console.log(
    `\nMarkdown (paste into docs/benchmarks.md):\n\n` +
      `Run ${report.date}: ${m.cpuModel}, ${m.cpus} CPUs, ${m.memTotalGiB} GiB, Node ${m.node}; ` +
      `load average (1/5/15 min) ${report.loadAverage.atStart.join(' / ')} at start, ` +
      `${report.loadAverage.atEnd.join(' / ')} at end; ${totalS} s.\n\n${markdown(signatures, pdfs, results)}`,
  );
  console.log(
    `Load average at end: ${report.loadAverage.atEnd.join(' / ')}. Results written to ${file}; total ${totalS} s.`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error('licences benchmark failed:', e);
    process.exit(1);
  });
