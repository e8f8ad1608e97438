/**
 * Electronic licences (电子证照) exported as W3C Verifiable Credentials, data model 2.0, secured with
 * a Data Integrity proof (cryptosuite `eddsa-rdfc-2022`) signed by the issuing department's Ed25519
 * key. Pure library: no database and no network — every JSON-LD document (contexts, the issuer's
 * controller document, its verification method) is answered offline by {@link documentLoader}.
 *
 * Issuer scheme: the issuer id is the `controller` of the key (we recommend `did:web:<node
 * host>:issuers:<issuer USCC>`, see {@link issuerDid}); the verification method id is
 * `<controller>#<publicKeyMultibase>`, so several keys of one department (rotation) coexist. Trust
 * is explicit: a credential verifies only against the issuers handed to the verifier.
 *
 * Privacy: a holder's personal code (citizen ID etc.) never leaves in clear — only a display mask
 * (the platform's `maskIdNumber`); an enterprise's USCC, which is public register data, is kept in
 * full. No salted hash of the ID number is published: with 8 of 18 digits visible and 8 of the
 * remaining 10 being a birth date, any hash would be reversed by trying a few million candidates.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vcLib from '@digitalbazaar/vc';
import { checkCreditCode, checkIdNumber, maskIdNumber, parseLicenceIdentifier } from '@yiwang/shared';

// ---------- Contexts ----------

/** The W3C VC data model 2.0 context (also defines `DataIntegrityProof`). */
export const VC_CONTEXT_V2_URL = 'https://www.w3.org/ns/credentials/v2';
/** The Yiwang licence context, answered offline by {@link documentLoader} (served by a node as-is). */
export const LICENCE_CONTEXT_URL = 'https://yiwang.gov.cn/ns/licence/v1';
/** The IRI namespace of the licence terms. */
export const LICENCE_VOCAB = 'https://yiwang.gov.cn/ns/licence#';
/** The DID core context, first context of the controller documents (jsonld-signatures reads them as JSON). */
export const DID_CONTEXT_V1_URL = 'https://www.w3.org/ns/did/v1';
/** The Multikey context named by verification methods (required by @digitalbazaar/ed25519-multikey). */
export const MULTIKEY_CONTEXT_V1_URL = 'https://w3id.org/security/multikey/v1';
/** The credential type of an exported licence, next to `VerifiableCredential`. */
export const LICENCE_CREDENTIAL_TYPE = 'ElectronicLicenceCredential';

const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';
const term = (name: string) => `${LICENCE_VOCAB}${name}`;
const dateTerm = (name: string) => ({ '@id': term(name), '@type': XSD_DATE });

/**
 * The Yiwang licence JSON-LD context. Every term is protected and explicitly mapped (no `@vocab`),
 * so canonicalisation in safe mode rejects any field that is not defined here. Holder and licence
 * terms are type-scoped (`LicenceHolder`, `ElectronicLicence`): the licence's own `validFrom` can
 * then not collide with the credential's protected `validFrom` of the VC context.
 */
export const licenceContext = {
  '@context': {
    '@protected': true,
    ElectronicLicenceCredential: term('ElectronicLicenceCredential'),
    LicenceStatusService: term('LicenceStatusService'),
    issuerCode: term('issuerCode'),
    LicenceHolder: {
      '@id': term('LicenceHolder'),
      '@context': {
        '@protected': true,
        holderCode: term('holderCode'),
        holderCodeMasked: term('holderCodeMasked'),
        holderCodeType: term('holderCodeType'),
        licence: term('licence'),
      },
    },
    ElectronicLicence: {
      '@id': term('ElectronicLicence'),
      '@context': {
        '@protected': true,
        identifier: term('identifier'),
        version: { '@id': term('version'), '@type': XSD_INTEGER },
        typeName: term('typeName'),
        typeCode: term('typeCode'),
        licenceNumber: term('licenceNumber'),
        issueDate: dateTerm('issueDate'),
        validFrom: dateTerm('validFrom'),
        validTo: dateTerm('validTo'),
        jurisdictionCode: term('jurisdictionCode'),
        status: term('status'),
        data: { '@id': term('data'), '@type': '@json' },
      },
    },
  },
} as const;

// ---------- Types ----------

/** A licence to export (GB/T 36903 metadata, as stored by the licences module). */
export interface LicenceVcInput {
  /** 证照标识 (GB/T 36904), e.g. `1.2.156.3005.2.{type}.{issuer}.{number}.{version}.{check}`. */
  identifier: string;
  /** 证照类型名称, e.g. 食品经营许可证. */
  typeName: string;
  /** 证照类型代码: defining authority USCC (18) + 3-digit sequence; must match the identifier. */
  typeCode: string;
  /** 证照编号; must match the number segment of the identifier. */
  licenceNumber: string;
  /** 持证主体名称. */
  holderName: string;
  /** 持证主体代码 in full; it is masked in the credential unless it is a USCC ('001'). */
  holderCode: string;
  /** 持证主体代码类型: '111' citizen ID, '001' USCC (other GB/T 36903 types are masked like '111'). */
  holderCodeType: string;
  /** Optional DID or URL of the holder, used as `credentialSubject.id`. */
  holderId?: string;
  /** 颁证单位名称. */
  issuerName: string;
  /** 颁证单位代码 (USCC); must match the issuer segment of the identifier. */
  issuerCode: string;
  /** 颁证日期, YYYY-MM-DD. */
  issueDate: string;
  /** 有效期起始日期, YYYY-MM-DD (the credential's `validFrom` is 00:00 China time that day). */
  validFrom: string;
  /** 有效期截止日期, YYYY-MM-DD, or null/absent for a long-term licence (长期). */
  validTo?: string | null;
  /** 行政区划代码 of the licence's jurisdiction. */
  jurisdictionCode?: string;
  /** Type-specific metadata (照面信息), JSON; exported as an RDF JSON literal. */
  data: Record<string, unknown>;
  /** Licence status at export; only 'valid' licences can be exported. */
  status: string;
  /** Where a verifier checks revocation (becomes `credentialStatus`, type `LicenceStatusService`). */
  statusUrl?: string;
}

/** The issuing department's Ed25519 signing key and the identifier that controls it. */
export interface VcIssuerKey {
  /** Issuer id and controller of the key (a DID or https URL), e.g. from {@link issuerDid}. */
  controller: string;
  /** Ed25519 public key, SPKI PEM. */
  publicKeyPem: string;
  /** Ed25519 private key, PKCS#8 PEM; used to sign only, never copied into the output. */
  privateKeyPem: string;
}

/** An issuer a verifier trusts: its controller id and one of its Ed25519 public keys. */
export interface VcTrustedIssuer {
  /** Issuer id / controller, as in {@link VcIssuerKey.controller}. */
  controller: string;
  /** Ed25519 public key, SPKI PEM. */
  publicKeyPem: string;
}

/** A JSON-LD remote document as returned by a document loader. */
export interface LicenceRemoteDocument {
  /** Always null: no Link-header contexts offline. */
  contextUrl: null;
  /** The document (a fresh copy per call). */
  document: Record<string, unknown>;
  /** The URL that was asked for. */
  documentUrl: string;
}

/** A JSON-LD document loader that never touches the network. */
export type LicenceDocumentLoader = (url: string) => Promise<LicenceRemoteDocument>;

/** A Multikey verification method (Ed25519) of an issuer. */
export interface LicenceVerificationMethod {
  /** The Multikey context URL. */
  '@context': string;
  /** `<controller>#<publicKeyMultibase>`. */
  id: string;
  /** Always 'Multikey'. */
  type: 'Multikey';
  /** The issuer id. */
  controller: string;
  /** `z6Mk…`: base58btc of the multicodec ed25519-pub header 0xed01 + the 32-byte key. */
  publicKeyMultibase: string;
}

/** Options of {@link verifyLicenceCredential}. */
export interface VerifyLicenceOptions {
  /** The issuers whose keys are trusted; any other signer fails. */
  issuers: readonly VcTrustedIssuer[];
  /** The time validity is checked at (default: now). */
  now?: Date;
  /** Revocation check for credentials with `credentialStatus`; without it status is not checked. */
  checkStatus?: (credential: Record<string, unknown>) => Promise<{ verified: boolean; error?: string }>;
}

/** Outcome of {@link verifyLicenceCredential}. */
export interface LicenceVcVerification {
  /** True when proof, issuer, validity period (and status, if checked) are all good. */
  verified: boolean;
  /** Why verification failed. */
  error?: string;
  /** Whether `credentialStatus` was checked through `checkStatus` (false when absent or no checker). */
  statusChecked: boolean;
}

// ---------- Keys and issuer documents ----------

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ED25519_PUB_MULTICODEC = [0xed, 0x01];

/** Bitcoin base58 encoding (multibase prefix `z` is added by the caller). */
function base58btc(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) {
    out = BASE58_ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function ed25519Jwk(key: KeyObject, what: string): JsonWebKey {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${what} must be an Ed25519 key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  return key.export({ format: 'jwk' });
}

/** The Multikey `publicKeyMultibase` (`z6Mk…`) of an Ed25519 SPKI PEM public key. */
export function publicKeyMultibase(publicKeyPem: string): string {
  const jwk = ed25519Jwk(createPublicKey(publicKeyPem), 'publicKeyPem');
  const raw = Buffer.from(jwk.x!, 'base64url');
  return `z${base58btc(Uint8Array.from([...ED25519_PUB_MULTICODEC, ...raw]))}`;
}

/** The recommended issuer id: `did:web:<host>:issuers:<USCC>` (resolvable online at https://<host>/issuers/<USCC>/did.json). */
export function issuerDid(host: string, issuerCode: string): string {
  if (!/^[a-z0-9.-]+(%3A\d+)?$/i.test(host)) throw new Error(`issuerDid: "${host}" is not a host name`);
  if (checkCreditCode(issuerCode)) throw new Error(`issuerDid: "${issuerCode}" is not a valid USCC`);
  return `did:web:${host.toLowerCase()}:issuers:${issuerCode.toUpperCase()}`;
}

/** The Multikey verification method of one issuer key (what the proof's `verificationMethod` points to). */
export function issuerVerificationMethod(issuer: VcTrustedIssuer): LicenceVerificationMethod {
  if (!issuer.controller || /[#\s]/.test(issuer.controller) || !/^[a-z][a-z0-9+.-]*:/i.test(issuer.controller)) {
    throw new Error(`"${issuer.controller}" is not a usable controller id (a DID or URL without fragment)`);
  }
  const multibase = publicKeyMultibase(issuer.publicKeyPem);
  return {
    '@context': MULTIKEY_CONTEXT_V1_URL,
    id: `${issuer.controller}#${multibase}`,
    type: 'Multikey',
    controller: issuer.controller,
    publicKeyMultibase: multibase,
  };
}

/**
 * The controller document of `controller` listing the given keys (those of other controllers are
 * ignored) as verification methods authorised for `assertionMethod` — what a node publishes at the
 * did:web / https location of its issuers, and what {@link documentLoader} answers offline.
 */
export function issuerControllerDocument(
  controller: string,
  keys: readonly VcTrustedIssuer[],
): Record<string, unknown> {
  const methods = keys.filter((k) => k.controller === controller).map(issuerVerificationMethod);
  const unique = [...new Map(methods.map((m) => [m.id, m])).values()];
  return {
    '@context': [DID_CONTEXT_V1_URL, MULTIKEY_CONTEXT_V1_URL],
    id: controller,
    verificationMethod: unique.map(({ '@context': _context, ...m }) => m),
    assertionMethod: unique.map((m) => m.id),
  };
}

/**
 * An offline JSON-LD document loader answering the VC 2.0 context (which also defines
 * `DataIntegrityProof`), the Yiwang licence context, and — for each trusted issuer — its controller
 * document and verification method. Anything else is rejected; nothing is ever fetched.
 */
export function documentLoader(issuers: readonly VcTrustedIssuer[] = []): LicenceDocumentLoader {
  const documents = new Map<string, Record<string, unknown>>();
  const vc2 = credentialsContexts.get(VC_CONTEXT_V2_URL);
  if (!vc2) throw new Error('@digitalbazaar/credentials-context does not ship the VC 2.0 context');
  documents.set(VC_CONTEXT_V2_URL, vc2);
  documents.set(LICENCE_CONTEXT_URL, licenceContext as unknown as Record<string, unknown>);
  for (const issuer of issuers) {
    const method = issuerVerificationMethod(issuer);
    documents.set(method.id, method as unknown as Record<string, unknown>);
    documents.set(issuer.controller, issuerControllerDocument(issuer.controller, issuers));
  }
  return async (url: string) => {
    const document = documents.get(url);
    if (!document) {
      throw new Error(`documentLoader: ${url} is not known offline (not a shipped context nor a trusted issuer)`);
    }
    return { contextUrl: null, document: structuredClone(document), documentUrl: url };
  };
}

// ---------- Issue ----------

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertDate(value: string, field: string): void {
  const d = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new Error(`${field} must be a date YYYY-MM-DD, got "${value}"`);
  }
}

/** Display mask of a personal holder code: the platform mask for codes of 12+ characters, else all stars. */
function maskHolderCode(code: string): string {
  return code.length >= 12 ? maskIdNumber(code) : '*'.repeat(code.length);
}

/** Every string inside a JSON value. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* strings(v);
    }
  }
}

/** Refuses to publish a full personal code: the holder's own, or any valid citizen ID in the data. */
function assertNoPersonalCodes(credential: Record<string, unknown>, input: LicenceVcInput): void {
  if (input.holderCodeType !== '001') {
    const code = input.holderCode.toUpperCase();
    for (const s of strings(credential)) {
      if (s.toUpperCase().includes(code)) throw new Error('the holder code would appear unmasked in the credential');
    }
  }
  for (const s of strings(input.data)) {
    for (const m of s.matchAll(/(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g)) {
      if (checkIdNumber(m[0]) === null) {
        throw new Error('data contains a citizen ID number: mask it or leave it out of the credential');
      }
    }
  }
}

function validateInput(input: LicenceVcInput): { version: number } {
  const parsed = parseLicenceIdentifier(input.identifier);
  if (!parsed.ok) throw new Error(`identifier "${input.identifier}" is malformed (${parsed.problem})`);
  const { parts } = parsed;
  if (parts.typeCode !== input.typeCode) throw new Error('typeCode does not match the identifier');
  if (parts.issuerCode !== input.issuerCode) throw new Error('issuerCode does not match the identifier');
  if (parts.number !== input.licenceNumber) throw new Error('licenceNumber does not match the identifier');
  for (const [field, value] of [
    ['typeName', input.typeName],
    ['holderName', input.holderName],
    ['issuerName', input.issuerName],
  ] as const) {
    if (typeof value !== 'string' || !value.trim()) throw new Error(`${field} is required`);
  }
  if (input.holderCodeType === '111' && checkIdNumber(input.holderCode) !== null) {
    throw new Error('holderCode is not a valid citizen ID number');
  }
  if (input.holderCodeType === '001' && checkCreditCode(input.holderCode) !== null) {
    throw new Error('holderCode is not a valid USCC');
  }
  if (!/^\d{3}$/.test(input.holderCodeType) || !input.holderCode) throw new Error('holderCode/holderCodeType required');
  assertDate(input.issueDate, 'issueDate');
  assertDate(input.validFrom, 'validFrom');
  if (input.validTo != null) {
    assertDate(input.validTo, 'validTo');
    if (input.validTo < input.validFrom) throw new Error('validTo is before validFrom');
  }
  if (input.jurisdictionCode !== undefined && !/^\d{6}(\d{3})?(\d{3})?$/.test(input.jurisdictionCode)) {
    throw new Error('jurisdictionCode must be a 6, 9 or 12-digit division code');
  }
  if (input.status !== 'valid') throw new Error(`only a valid licence can be exported (status "${input.status}")`);
  if (input.statusUrl !== undefined && !/^https?:\/\/\S+$/.test(input.statusUrl)) {
    throw new Error('statusUrl must be an http(s) URL');
  }
  if (input.holderId !== undefined && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.holderId)) {
    throw new Error('holderId must be a DID or URL');
  }
  if (!input.data || typeof input.data !== 'object' || Array.isArray(input.data)) {
    throw new Error('data must be a JSON object');
  }
  return { version: parts.version };
}

/** The unsigned credential for a licence (exported so callers can preview exactly what gets signed). */
export function licenceCredential(input: LicenceVcInput, issuerId: string): Record<string, unknown> {
  const { version } = validateInput(input);
  const data = JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>;
  const personal = input.holderCodeType !== '001';
  const licence: Record<string, unknown> = {
    type: 'ElectronicLicence',
    identifier: input.identifier,
    version,
    typeName: input.typeName,
    typeCode: input.typeCode,
    licenceNumber: input.licenceNumber,
    issueDate: input.issueDate,
    validFrom: input.validFrom,
    ...(input.validTo ? { validTo: input.validTo } : {}),
    ...(input.jurisdictionCode ? { jurisdictionCode: input.jurisdictionCode } : {}),
    status: input.status,
    data,
  };
  const credential: Record<string, unknown> = {
    '@context': [VC_CONTEXT_V2_URL, LICENCE_CONTEXT_URL],
    id: `urn:licence:${input.identifier}`,
    type: ['VerifiableCredential', LICENCE_CREDENTIAL_TYPE],
    name: input.typeName,
    issuer: { id: issuerId, name: input.issuerName, issuerCode: input.issuerCode },
    validFrom: `${input.validFrom}T00:00:00+08:00`,
    ...(input.validTo ? { validUntil: `${input.validTo}T23:59:59+08:00` } : {}),
    credentialSubject: {
      ...(input.holderId ? { id: input.holderId } : {}),
      type: 'LicenceHolder',
      name: input.holderName,
      holderCodeType: input.holderCodeType,
      holderCodeMasked: personal ? maskHolderCode(input.holderCode) : input.holderCode,
      ...(personal ? {} : { holderCode: input.holderCode }),
      licence,
    },
    ...(input.statusUrl ? { credentialStatus: { id: input.statusUrl, type: 'LicenceStatusService' } } : {}),
  };
  assertNoPersonalCodes(credential, input);
  return credential;
}

/**
 * Signs the licence as a VC 2.0 with a `DataIntegrityProof` (eddsa-rdfc-2022, proofPurpose
 * assertionMethod, verificationMethod `<controller>#<publicKeyMultibase>`). Throws on invalid input,
 * on a key pair that does not match, and on any term the contexts do not define.
 */
export async function issueLicenceCredential(
  input: LicenceVcInput,
  key: VcIssuerKey,
): Promise<Record<string, unknown>> {
  const method = issuerVerificationMethod(key);
  const privateJwk = ed25519Jwk(createPrivateKey(key.privateKeyPem), 'privateKeyPem');
  const publicJwk = ed25519Jwk(createPublicKey(key.publicKeyPem), 'publicKeyPem');
  if (privateJwk.x !== publicJwk.x) throw new Error('publicKeyPem is not the public key of privateKeyPem');
  const keyPair = await Ed25519Multikey.fromJwk({
    jwk: privateJwk,
    secretKey: true,
    id: method.id,
    controller: key.controller,
  });
  if (keyPair.publicKeyMultibase !== method.publicKeyMultibase) {
    throw new Error('Multikey encoding mismatch between vc.ts and @digitalbazaar/ed25519-multikey');
  }
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022Cryptosuite });
  const credential = licenceCredential(input, key.controller);
  return vcLib.issue({ credential, suite, documentLoader: documentLoader([key]) });
}

// ---------- Verify ----------

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const inner = (error as Error & { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length > 0) return inner.map(errorMessage).join('; ');
    return error.message;
  }
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

/**
 * Verifies a licence credential offline with @digitalbazaar/vc: the eddsa-rdfc-2022 proof against
 * the trusted issuers' keys (the issuer must be the key's controller), the VC shape and validity
 * period at `now`, and — only when `checkStatus` is given — the licence status.
 */
export async function verifyLicenceCredential(
  vc: Record<string, unknown>,
  options: VerifyLicenceOptions,
): Promise<LicenceVcVerification> {
  let statusChecked = false;
  try {
    const types = Array.isArray(vc.type) ? vc.type : [vc.type];
    if (!types.includes(LICENCE_CREDENTIAL_TYPE)) {
      return { verified: false, error: `not an ${LICENCE_CREDENTIAL_TYPE}`, statusChecked };
    }
    const proofs = Array.isArray(vc.proof) ? vc.proof : [vc.proof];
    if (
      !proofs.some(
        (p) => p && typeof p === 'object' && (p as Record<string, unknown>).cryptosuite === 'eddsa-rdfc-2022',
      )
    ) {
      return { verified: false, error: 'no eddsa-rdfc-2022 Data Integrity proof', statusChecked };
    }
    const checker = options.checkStatus;
    const result = await vcLib.verifyCredential({
      credential: structuredClone(vc),
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }),
      documentLoader: documentLoader(options.issuers),
      ...(options.now ? { now: options.now } : {}),
      checkStatus: async ({ credential }) => {
        if (!checker) return { verified: true };
        statusChecked = true;
        const status = await checker(credential);
        return status.verified ? { verified: true } : { verified: false, error: new Error(status.error ?? 'revoked') };
      },
    });
    if (result.verified) return { verified: true, statusChecked };
    const error =
      result.error ?? result.results?.find((r) => r.error)?.error ?? result.statusResult?.error ?? 'not verified';
    return { verified: false, error: errorMessage(error), statusChecked };
  } catch (error) {
    return { verified: false, error: errorMessage(error), statusChecked };
  }
}
