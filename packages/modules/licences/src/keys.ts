/**
 * The platform certificate authority and the sealing of private keys at rest. Keys are encrypted
 * with AES-256-GCM under a key derived (HKDF) from the configured SECRET_KEY; they are unsealed
 * only in memory, to sign, and never logged, returned or exported.
 */
import { createPublicKey, hkdfSync } from 'node:crypto';
import { type Config, type Db, seal, sha256, type Tx, unseal } from '@yiwang/platform';
import { sql } from 'kysely';
import { certificateInfo, createIssuingCa, createRootCa } from './pki/ca.ts';

const keyCache = new WeakMap<Config, Buffer>();

/** The key-encryption key for signing keys: HKDF-SHA256(SECRET_KEY, info "yiwang/licences/keys"). */
export function keyEncryptionKey(config: Config): Buffer {
  let k = keyCache.get(config);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', config.secretKey, Buffer.alloc(0), 'yiwang/licences/keys', 32));
    keyCache.set(config, k);
  }
  return k;
}

export const sealKey = (config: Config, pem: string) => seal(keyEncryptionKey(config), pem);
export const unsealKey = (config: Config, sealed: string) => unseal(keyEncryptionKey(config), sealed);

export interface CaState {
  rootPem: string;
  issuingPem: string;
  /** The issuing CA with its private key, to certify seals. */
  issuing: { certPem: string; keyPair: { algorithm: 'P256'; publicKeyPem: string; privateKeyPem: string } };
}

const caCache = new WeakMap<Db, CaState>();

/** Forgets this process's copy of the CA, as a restarted process has none (tests of that case). */
export function forgetCa(db: Db): void {
  caCache.delete(db);
}

function pemFingerprint(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return sha256(der);
}

/**
 * The root and issuing CA of this node, created on first use (first start) and kept in `pki_cas`.
 * Several processes may race to create them: the unique `kind` decides, and the loser reads the winner's.
 * A caller inside a transaction passes it as `tx`: everything is then read (and, on first use,
 * written) in it. Asking `db` instead would wait for the transaction's own connection on the
 * single-connection embedded database, forever (a restarted process has no cached CA).
 */
export async function ensureCa(db: Db, config: Config, nodeName: string, tx?: Tx): Promise<CaState> {
  const cached = caCache.get(db);
  if (cached) return cached;
  const q: Db | Tx = tx ?? db;
  let rows = await q.selectFrom('pki_cas').selectAll().execute();
  let createdInTx = false;
  if (rows.length < 2) {
    const root = await createRootCa({ commonName: `${nodeName} 电子证照根 CA`, organization: nodeName, years: 20 });
    const issuing = await createIssuingCa(root, { commonName: `${nodeName} 电子印章签发 CA`, years: 10 });
    const insert = async (t: Db | Tx) => {
      for (const [kind, ca, name] of [
        ['root', root, `${nodeName} 电子证照根 CA`],
        ['issuing', issuing, `${nodeName} 电子印章签发 CA`],
      ] as const) {
        const info = certificateInfo(ca.certPem);
        await t
          .insertInto('pki_cas')
          .values({
            id: crypto.randomUUID(),
            kind,
            name,
            algorithm: 'P256',
            cert_pem: ca.certPem,
            key_sealed: sealKey(config, ca.keyPair.privateKeyPem),
            fingerprint: pemFingerprint(ca.certPem),
            not_after: new Date(info.notAfter).toISOString(),
          })
          .onConflict((oc) => oc.column('kind').doNothing())
          .execute();
      }
    };
    if (tx) {
      await insert(tx);
      createdInTx = true;
    } else await db.transaction().execute(insert);
    rows = await q.selectFrom('pki_cas').selectAll().execute();
  }
  const root = rows.find((r: any) => r.kind === 'root')!;
  const issuing = rows.find((r: any) => r.kind === 'issuing')!;
  const issuingKey = unsealKey(config, issuing.key_sealed);
  const state: CaState = {
    rootPem: root.cert_pem,
    issuingPem: issuing.cert_pem,
    issuing: {
      certPem: issuing.cert_pem,
      keyPair: {
        algorithm: 'P256',
        publicKeyPem: createPublicKey(issuingKey).export({ type: 'spki', format: 'pem' }).toString(),
        privateKeyPem: issuingKey,
      },
    },
  };
  // A CA created in a transaction that may still roll back is not remembered.
  if (!createdInTx) caCache.set(db, state);
  return state;
}

/** CA certificates a verifier here trusts: this node's root and the active trust-list anchors. */
export async function trustedAnchors(db: Db, ca: CaState): Promise<string[]> {
  const rows = await db
    .selectFrom('trust_anchors')
    .select('cert_pem')
    .where('status', '=', 'active')
    .where(sql<boolean>`not_after > now()`)
    .execute();
  return [ca.rootPem, ...rows.map((r: any) => r.cert_pem as string)];
}

export { pemFingerprint };
