import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  natsUrl: string | null;
  publicUrl: string;
  /** 32-byte key for sessions, CSRF and encryption of secrets at rest. */
  secretKey: Buffer;
  logLevel: string;
  seedDemo: boolean;
  /** With the demo seed: also a few hundred historical cases and demo citizens (SEED_DEMO_CASES). */
  seedDemoCases: boolean;
  nodeEnv: string;
  /** SMTP server for e-mail notices (smtp:// or smtps://); null: e-mails land in the outbox. */
  smtpUrl: string | null;
  /** Sender address of e-mail notices. */
  smtpFrom: string;
  /** HTTP gateway for SMS notices (POST JSON { to, text }); null: SMS land in the outbox. */
  smsGatewayUrl: string | null;
  /** Working days a department has to rectify after a bad evaluation (好差评 差评整改). */
  rectifyDays: number;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(u.protocol))
    throw new ConfigError(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
  return raw;
}

/** Reads a secret from DATA_DIR, generating it (mode 0600) on first start. */
function fileSecret(dataDir: string, name: string, bytes: number): Buffer {
  const path = join(dataDir, 'secrets', name);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  mkdirSync(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes);
  writeFileSync(path, value.toString('base64'), { mode: 0o600 });
  chmodSync(path, 0o600);
  return value;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Typed configuration, validated at start; throws ConfigError with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const dataDir = resolve(env.DATA_DIR || './data');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const natsUrl = url(env, 'NATS_URL', ['nats:', 'tls:']);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  const seed = env.SEED_DEMO ?? 'true';
  if (!['true', 'false'].includes(seed)) throw new ConfigError('SEED_DEMO must be true or false');
  const seedCases = env.SEED_DEMO_CASES ?? 'true';
  if (!['true', 'false'].includes(seedCases)) throw new ConfigError('SEED_DEMO_CASES must be true or false');
  mkdirSync(dataDir, { recursive: true });
  let secretKey: Buffer;
  if (env.SECRET_KEY) {
    secretKey = Buffer.from(env.SECRET_KEY, 'base64');
    if (secretKey.length !== 32) throw new ConfigError('SECRET_KEY must be 32 bytes, base64-encoded');
  } else {
    secretKey = fileSecret(dataDir, 'secret.key', 32);
  }
  const host = env.HOST || '0.0.0.0';
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  const smsGatewayUrl = url(env, 'SMS_GATEWAY_URL', ['http:', 'https:']);
  const smtpFrom = env.SMTP_FROM || `一网 Yiwang <noreply@${new URL(publicUrl).hostname}>`;
  if (!/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/.test(smtpFrom))
    throw new ConfigError('SMTP_FROM must be an e-mail address, optionally with a display name');
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    natsUrl,
    publicUrl: publicUrl.replace(/\/$/, ''),
    secretKey,
    logLevel,
    seedDemo: seed === 'true',
    seedDemoCases: seedCases === 'true',
    nodeEnv: env.NODE_ENV || 'development',
    smtpUrl,
    smtpFrom,
    smsGatewayUrl,
    rectifyDays: int(env, 'RECTIFY_DAYS', 5, 1, 60),
  };
}
