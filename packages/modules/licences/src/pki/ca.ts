/**
 * The platform's certificate authority for electronic seals: a root CA, an issuing CA, seal
 * (end-entity) certificates for Ed25519, P-256 and SM2 keys, chain verification and certificate facts.
 *
 * Certificates are built with @peculiar/asn1-x509 and the TBSCertificate is signed with our own
 * signer: ecdsa-with-SHA256 for P-256 CAs, sm2-with-sm3 (1.2.156.10197.1.501, signer ID
 * 1234567812345678) for SM2 CAs (an all-SM2 chain). @peculiar/x509 2.x is not used: it needs a
 * global Reflect metadata polyfill (tsyringe) that is not installed, and a library should not
 * patch globals. Verification parses every certificate with asn1-x509 and checks each signature
 * over the original TBS bytes with `verifyData`, so it covers both CA algorithms.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1X509 from '@peculiar/asn1-x509';
import {
  derToPem,
  generateKeyPair,
  OID,
  pemToDer,
  publicKeyAlgorithm,
  type SealAlgorithm,
  type SealKeyPair,
  signData,
  verifyData,
} from './keys.ts';

/** A CA certificate with its key pair (the private key stays with the caller: store it sealed). */
export interface CaCertificate {
  certPem: string;
  keyPair: SealKeyPair;
}

/** CA signature algorithm: ECDSA P-256 with SHA-256 (default) or SM2 with SM3. */
export type CaAlgorithm = 'P256' | 'SM2';

export interface RootCaOptions {
  commonName: string;
  organization: string;
  years: number;
  country?: string;
  algorithm?: CaAlgorithm;
  notBefore?: Date;
}

export interface IssuingCaOptions {
  commonName: string;
  years: number;
  organization?: string;
  country?: string;
  algorithm?: CaAlgorithm;
  notBefore?: Date;
}

export interface SealCertificateOptions {
  algorithm: SealAlgorithm;
  publicKeyPem: string;
  /** The department's name (subject CN). */
  commonName: string;
  organization: string;
  /** Unified social credit code (GB 32100): subject serialNumber (2.5.4.5). */
  creditCode: string;
  notBefore: Date;
  notAfter: Date;
  /** Hexadecimal serial number; random 128-bit positive otherwise. */
  serialNumber?: string;
  country?: string;
  /** extendedKeyUsage OIDs; default [emailProtection]; [] writes no extendedKeyUsage extension. */
  extendedKeyUsage?: string[];
}

const OID_COMMON_NAME = '2.5.4.3';
const OID_SERIAL_NUMBER = '2.5.4.5';
const OID_COUNTRY = '2.5.4.6';
const OID_ORGANIZATION = '2.5.4.10';
const OID_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

/** Creates a self-signed root CA (basicConstraints CA, pathLen 1; keyCertSign, cRLSign; SKI, AKI). */
export async function createRootCa(opts: RootCaOptions): Promise<CaCertificate> {
  const algorithm = opts.algorithm ?? 'P256';
  const keyPair = generateKeyPair(algorithm);
  const name = caName(opts.country ?? 'CN', opts.organization, opts.commonName);
  const { notBefore, notAfter } = validity(opts.notBefore, opts.years);
  const ski = keyIdentifier(keyPair.publicKeyPem);
  const certPem = await signCertificate(
    { certPem: '', keyPair },
    {
      subject: name,
      issuer: name,
      publicKeyPem: keyPair.publicKeyPem,
      notBefore,
      notAfter,
      extensions: caExtensions(ski, ski, 1),
    },
  );
  return { certPem, keyPair };
}

/** Creates an issuing CA certified by `root` (pathLen 0), by default with the root's organization. */
export async function createIssuingCa(root: CaCertificate, opts: IssuingCaOptions): Promise<CaCertificate> {
  const algorithm = opts.algorithm ?? 'P256';
  const keyPair = generateKeyPair(algorithm);
  const rootCert = parseCertificate(root.certPem);
  const organization = opts.organization ?? nameFields(rootCert.tbsCertificate.subject).organization ?? '';
  const name = caName(opts.country ?? 'CN', organization, opts.commonName);
  const { notBefore, notAfter } = validity(opts.notBefore, opts.years);
  const certPem = await signCertificate(root, {
    subject: name,
    issuer: rootCert.tbsCertificate.subject,
    publicKeyPem: keyPair.publicKeyPem,
    notBefore,
    notAfter,
    extensions: caExtensions(keyIdentifier(keyPair.publicKeyPem), keyIdentifier(root.keyPair.publicKeyPem), 0),
  });
  return { certPem, keyPair };
}

/**
 * Issues a seal (end-entity) certificate for an Ed25519, P-256 or SM2 public key: keyUsage
 * digitalSignature + nonRepudiation (critical), extendedKeyUsage emailProtection (NSS, hence
 * poppler's pdfsig, checks PDF signers with the e-mail signer usage), SKI, AKI, CA:FALSE.
 */
export async function issueSealCertificate(issuer: CaCertificate, opts: SealCertificateOptions): Promise<string> {
  if (publicKeyAlgorithm(opts.publicKeyPem) !== opts.algorithm) {
    throw new Error(`public key is not a ${opts.algorithm} key`);
  }
  if (!(opts.notAfter.getTime() > opts.notBefore.getTime())) throw new Error('notAfter must be after notBefore');
  const issuerCert = parseCertificate(issuer.certPem);
  const eku = opts.extendedKeyUsage ?? [OID_EMAIL_PROTECTION];
  if (!/^[0-9A-Z]{18}$/.test(opts.creditCode)) throw new Error('creditCode must be 18 characters 0-9A-Z');
  const subject = buildName([
    [OID_COUNTRY, { printableString: opts.country ?? 'CN' }],
    [OID_ORGANIZATION, { utf8String: opts.organization }],
    [OID_COMMON_NAME, { utf8String: opts.commonName }],
    [OID_SERIAL_NUMBER, { printableString: opts.creditCode }],
  ]);
  return signCertificate(issuer, {
    subject,
    issuer: issuerCert.tbsCertificate.subject,
    publicKeyPem: opts.publicKeyPem,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    serialNumber: opts.serialNumber,
    extensions: [
      extension(asn1X509.id_ce_basicConstraints, true, new asn1X509.BasicConstraints({ cA: false })),
      extension(
        asn1X509.id_ce_keyUsage,
        true,
        new asn1X509.KeyUsage(asn1X509.KeyUsageFlags.digitalSignature | asn1X509.KeyUsageFlags.nonRepudiation),
      ),
      ...(eku.length > 0 ? [extension(asn1X509.id_ce_extKeyUsage, false, new asn1X509.ExtendedKeyUsage(eku))] : []),
      ...keyIdExtensions(keyIdentifier(opts.publicKeyPem), keyIdentifier(issuer.keyPair.publicKeyPem)),
    ],
  });
}

/** Why a chain was refused. */
export type ChainFailure = 'untrusted' | 'expired' | 'not_yet_valid' | 'bad_signature';

export interface ChainResult {
  ok: boolean;
  reason?: ChainFailure;
  /** PEMs from the leaf towards the anchor, as far as the path was built. */
  chain: string[];
}

/**
 * Builds and checks the path leaf → intermediates → one of `anchors` (matched by DER): issuer
 * names (and key identifiers when both are present), every signature, CA basic constraints,
 * keyCertSign, path lengths, and validity of every certificate at `at` (default now).
 * Never throws: unparsable input answers `untrusted`.
 */
export function verifyCertificateChain(
  leafPem: string,
  opts: { intermediates: string[]; anchors: string[]; at?: Date },
): ChainResult {
  const at = opts.at ?? new Date();
  let leaf: Parsed;
  try {
    leaf = parsed(leafPem);
  } catch {
    return { ok: false, reason: 'untrusted', chain: [] };
  }
  const anchors = parseAll(opts.anchors);
  const pool = [...anchors, ...parseAll(opts.intermediates)];
  const anchorDers = new Set(anchors.map((a) => a.der.toString('base64')));
  const chain: Parsed[] = [leaf];
  let current = leaf;
  let trusted = anchorDers.has(leaf.der.toString('base64'));
  while (!trusted) {
    if (chain.length > 8) return result(false, 'untrusted', chain);
    const sameName = pool.filter(
      (c) =>
        c.subjectDer.equals(current.issuerDer) &&
        !(c.ski && current.aki && !c.ski.equals(current.aki)) &&
        !chain.some((x) => x.der.equals(c.der)),
    );
    if (sameName.length === 0) return result(false, 'untrusted', chain);
    const issuer = sameName.find((c) => signatureVerifies(current, c));
    if (!issuer) return result(false, 'bad_signature', chain);
    const intermediatesBelow = chain.length - 1;
    if (!issuer.isCa || !issuer.canSignCerts) return result(false, 'untrusted', chain);
    if (issuer.pathLen !== undefined && intermediatesBelow > issuer.pathLen) return result(false, 'untrusted', chain);
    chain.push(issuer);
    current = issuer;
    trusted = anchorDers.has(issuer.der.toString('base64'));
  }
  for (const c of chain) {
    if (at.getTime() < c.notBefore.getTime()) return result(false, 'not_yet_valid', chain);
    if (at.getTime() > c.notAfter.getTime()) return result(false, 'expired', chain);
  }
  return result(true, undefined, chain);
}

/** Name fields of a certificate subject or issuer. */
export interface NameInfo {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  /** 2.5.4.5 (for seal certificates: the unified social credit code). */
  serialNumber?: string;
  country?: string;
  /** RFC 4514 string. */
  dn: string;
}

/** Facts about a certificate, for display and records. */
export interface CertificateInfo {
  subject: NameInfo;
  issuer: NameInfo;
  /** Hexadecimal, lower case. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 over the DER, hexadecimal lower case. */
  fingerprintSha256: string;
  /** Public key algorithm. */
  algorithm: SealAlgorithm | 'OTHER';
  /** The issuer's signature algorithm. */
  signatureAlgorithm: 'ECDSA-SHA256' | 'SM2-SM3' | 'ED25519' | string;
  isCa: boolean;
  subjectKeyId?: string;
  authorityKeyId?: string;
}

/** Reads subject, issuer, serial, validity, fingerprint and algorithms of a PEM (or DER) certificate. */
export function certificateInfo(pem: string | Uint8Array): CertificateInfo {
  const p = parsed(pem);
  const tbs = p.cert.tbsCertificate;
  return {
    subject: nameFields(tbs.subject),
    issuer: nameFields(tbs.issuer),
    serialNumber: Buffer.from(tbs.serialNumber)
      .toString('hex')
      .replace(/^(00)+(?=.)/, ''),
    notBefore: p.notBefore.toISOString(),
    notAfter: p.notAfter.toISOString(),
    fingerprintSha256: createHash('sha256').update(p.der).digest('hex'),
    algorithm: publicKeyAlgorithm(p.spkiDer) ?? 'OTHER',
    signatureAlgorithm: signatureAlgorithmName(p.cert.signatureAlgorithm.algorithm),
    isCa: p.isCa,
    subjectKeyId: p.ski?.toString('hex'),
    authorityKeyId: p.aki?.toString('hex'),
  };
}

/** PEM certificates in a text (e.g. a chain file), in order. */
export function splitPemCertificates(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/** The SPKI public key PEM of a certificate. */
export function certificatePublicKeyPem(pem: string | Uint8Array): string {
  return derToPem(parsed(pem).spkiDer, 'PUBLIC KEY');
}

/** DER of a PEM (or DER) certificate. */
export function certificateDer(pem: string | Uint8Array): Buffer {
  return typeof pem === 'string' ? pemToDer(pem, 'CERTIFICATE') : Buffer.from(pem);
}

// ---- internals -----------------------------------------------------------------------------------

interface Parsed {
  pem: string;
  der: Buffer;
  cert: asn1X509.Certificate;
  tbsDer: Buffer;
  spkiDer: Buffer;
  subjectDer: Buffer;
  issuerDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  canSignCerts: boolean;
  pathLen?: number;
  ski?: Buffer;
  aki?: Buffer;
}

/** Parses a certificate (PEM or DER) with asn1-x509, keeping the original TBS bytes. */
export function parseCertificate(pem: string | Uint8Array): asn1X509.Certificate {
  return parsed(pem).cert;
}

function parsed(pem: string | Uint8Array): Parsed {
  const der = certificateDer(pem);
  const cert = AsnConvert.parse(der, asn1X509.Certificate);
  if (!cert.tbsCertificateRaw) throw new Error('certificate without TBS bytes');
  const tbs = cert.tbsCertificate;
  let isCa = false;
  let canSignCerts = true;
  let pathLen: number | undefined;
  let ski: Buffer | undefined;
  let aki: Buffer | undefined;
  for (const ext of tbs.extensions ?? []) {
    const value = ext.extnValue.buffer;
    if (ext.extnID === asn1X509.id_ce_basicConstraints) {
      const bc = AsnConvert.parse(value, asn1X509.BasicConstraints);
      isCa = bc.cA;
      pathLen = bc.pathLenConstraint;
    } else if (ext.extnID === asn1X509.id_ce_keyUsage) {
      const ku = AsnConvert.parse(value, asn1X509.KeyUsage);
      canSignCerts = (ku.toNumber() & asn1X509.KeyUsageFlags.keyCertSign) !== 0;
    } else if (ext.extnID === asn1X509.id_ce_subjectKeyIdentifier) {
      ski = Buffer.from(AsnConvert.parse(value, asn1X509.SubjectKeyIdentifier).buffer);
    } else if (ext.extnID === asn1X509.id_ce_authorityKeyIdentifier) {
      const id = AsnConvert.parse(value, asn1X509.AuthorityKeyIdentifier).keyIdentifier;
      if (id) aki = Buffer.from(id.buffer);
    }
  }
  return {
    pem: derToPem(der, 'CERTIFICATE'),
    der,
    cert,
    tbsDer: Buffer.from(cert.tbsCertificateRaw),
    spkiDer: Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    isCa,
    canSignCerts,
    pathLen,
    ski,
    aki,
  };
}

function parseAll(pems: string[]): Parsed[] {
  const out: Parsed[] = [];
  for (const pem of pems) {
    try {
      out.push(parsed(pem));
    } catch {
      // an unreadable extra certificate cannot help build a path
    }
  }
  return out;
}

function result(ok: boolean, reason: ChainFailure | undefined, chain: Parsed[]): ChainResult {
  return { ok, ...(reason ? { reason } : {}), chain: chain.map((c) => c.pem) };
}

/** The algorithm `signData` uses for a certificate signature OID with the issuer's key, if we know it. */
function signerAlgorithm(sigOid: string, issuerKey: SealAlgorithm | undefined): SealAlgorithm | undefined {
  if (sigOid === OID.ecdsaWithSha256 && issuerKey === 'P256') return 'P256';
  if (sigOid === OID.sm2WithSm3 && issuerKey === 'SM2') return 'SM2';
  if (sigOid === OID.ed25519 && issuerKey === 'ED25519') return 'ED25519';
  return undefined;
}

function signatureVerifies(child: Parsed, issuer: Parsed): boolean {
  const sigOid = child.cert.signatureAlgorithm.algorithm;
  if (sigOid !== child.cert.tbsCertificate.signature.algorithm) return false;
  const alg = signerAlgorithm(sigOid, publicKeyAlgorithm(issuer.spkiDer));
  if (!alg) return false;
  return verifyData(
    alg,
    derToPem(issuer.spkiDer, 'PUBLIC KEY'),
    child.tbsDer,
    new Uint8Array(child.cert.signatureValue),
  );
}

function signatureAlgorithmName(oid: string): string {
  if (oid === OID.ecdsaWithSha256) return 'ECDSA-SHA256';
  if (oid === OID.sm2WithSm3) return 'SM2-SM3';
  if (oid === OID.ed25519) return 'ED25519';
  return oid;
}

const NAME_KEYS: Record<string, keyof Omit<NameInfo, 'dn'>> = {
  [OID_COMMON_NAME]: 'commonName',
  [OID_ORGANIZATION]: 'organization',
  '2.5.4.11': 'organizationalUnit',
  [OID_SERIAL_NUMBER]: 'serialNumber',
  [OID_COUNTRY]: 'country',
};

const DN_LABELS: Record<string, string> = {
  [OID_COMMON_NAME]: 'CN',
  [OID_ORGANIZATION]: 'O',
  '2.5.4.11': 'OU',
  [OID_SERIAL_NUMBER]: 'serialNumber',
  [OID_COUNTRY]: 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
};

/** RFC 4514 string (most specific RDN first). */
function nameString(name: asn1X509.Name): string {
  const escapeValue = (v: string) =>
    v
      .replace(/[\\,+"<>;=]/g, '\\$&')
      .replace(/^[ #]/, '\\$&')
      .replace(/ $/, '\\ ');
  return [...name]
    .reverse()
    .map((rdn) =>
      [...rdn].map((atv) => `${DN_LABELS[atv.type] ?? atv.type}=${escapeValue(atv.value.toString())}`).join('+'),
    )
    .join(',');
}

type NameValue = { utf8String: string } | { printableString: string };

function buildName(attrs: [string, NameValue][]): asn1X509.Name {
  return new asn1X509.Name(
    attrs.map(
      ([type, value]) =>
        new asn1X509.RelativeDistinguishedName([
          new asn1X509.AttributeTypeAndValue({ type, value: new asn1X509.AttributeValue(value) }),
        ]),
    ),
  );
}

function nameFields(name: asn1X509.Name): NameInfo {
  const info: NameInfo = { dn: nameString(name) };
  for (const rdn of name) {
    for (const atv of rdn) {
      const key = NAME_KEYS[atv.type];
      if (key && info[key] === undefined) info[key] = atv.value.toString();
    }
  }
  return info;
}

function caName(country: string, organization: string, commonName: string): asn1X509.Name {
  return buildName([
    [OID_COUNTRY, { printableString: country }],
    [OID_ORGANIZATION, { utf8String: organization }],
    [OID_COMMON_NAME, { utf8String: commonName }],
  ]);
}

function extension(extnID: string, critical: boolean, value: object): asn1X509.Extension {
  return new asn1X509.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function keyIdExtensions(ski: string, aki: string): asn1X509.Extension[] {
  return [
    extension(asn1X509.id_ce_subjectKeyIdentifier, false, new asn1X509.SubjectKeyIdentifier(Buffer.from(ski, 'hex'))),
    extension(
      asn1X509.id_ce_authorityKeyIdentifier,
      false,
      new asn1X509.AuthorityKeyIdentifier({ keyIdentifier: new asn1X509.KeyIdentifier(Buffer.from(aki, 'hex')) }),
    ),
  ];
}

function caExtensions(ski: string, aki: string, pathLen: number): asn1X509.Extension[] {
  return [
    extension(
      asn1X509.id_ce_basicConstraints,
      true,
      new asn1X509.BasicConstraints({ cA: true, pathLenConstraint: pathLen }),
    ),
    extension(
      asn1X509.id_ce_keyUsage,
      true,
      new asn1X509.KeyUsage(asn1X509.KeyUsageFlags.keyCertSign | asn1X509.KeyUsageFlags.cRLSign),
    ),
    ...keyIdExtensions(ski, aki),
  ];
}

function validity(notBefore: Date | undefined, years: number): { notBefore: Date; notAfter: Date } {
  if (!(years > 0)) throw new Error('years must be positive');
  const from = notBefore ?? new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const to = new Date(from);
  to.setUTCFullYear(to.getUTCFullYear() + Math.floor(years));
  to.setTime(to.getTime() + (years % 1) * 365 * 86_400_000);
  return { notBefore: from, notAfter: to };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits, hexadecimal. */
export function keyIdentifier(publicKeyPem: string): string {
  const spki = AsnConvert.parse(pemToDer(publicKeyPem), asn1X509.SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest('hex');
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40; // positive, 16 significant bytes
  return bytes.toString('hex');
}

interface CertificateTemplate {
  subject: asn1X509.Name;
  issuer: asn1X509.Name;
  publicKeyPem: string;
  notBefore: Date;
  notAfter: Date;
  serialNumber?: string;
  extensions: asn1X509.Extension[];
}

const CA_SIGNATURE: Record<CaAlgorithm, string> = { P256: OID.ecdsaWithSha256, SM2: OID.sm2WithSm3 };

/** Builds the TBSCertificate and signs it with the issuer's key (ecdsa-with-SHA256 or sm2-with-sm3). */
async function signCertificate(issuer: CaCertificate, t: CertificateTemplate): Promise<string> {
  const algorithm = issuer.keyPair.algorithm;
  if (algorithm !== 'P256' && algorithm !== 'SM2') throw new Error('a CA key must be P256 or SM2');
  const serialNumber = t.serialNumber ?? randomSerial();
  if (!/^[0-9a-fA-F]{1,40}$/.test(serialNumber)) throw new Error('serial number must be 1-40 hexadecimal digits');
  let serial = Buffer.from(serialNumber.length % 2 ? `0${serialNumber}` : serialNumber, 'hex');
  while (serial.length > 1 && serial[0] === 0 && !(serial[1] & 0x80)) serial = serial.subarray(1);
  if (serial[0] & 0x80) serial = Buffer.concat([Buffer.of(0), serial]);
  // Parameters absent for both ecdsa-with-SHA256 (RFC 5758) and sm2-with-sm3.
  const sigAlg = new asn1X509.AlgorithmIdentifier({ algorithm: CA_SIGNATURE[algorithm] });
  const tbs = new asn1X509.TBSCertificate({
    version: asn1X509.Version.v3,
    serialNumber: Uint8Array.from(serial).buffer,
    signature: sigAlg,
    issuer: t.issuer,
    validity: new asn1X509.Validity({ notBefore: t.notBefore, notAfter: t.notAfter }),
    subject: t.subject,
    subjectPublicKeyInfo: AsnConvert.parse(pemToDer(t.publicKeyPem), asn1X509.SubjectPublicKeyInfo),
    extensions: new asn1X509.Extensions(t.extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signatureValue = signData(algorithm, issuer.keyPair.privateKeyPem, tbsDer);
  const cert = new asn1X509.Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: sigAlg,
    signatureValue: Uint8Array.from(signatureValue).buffer,
  });
  return derToPem(new Uint8Array(AsnConvert.serialize(cert)), 'CERTIFICATE');
}
