/**
 * CMS SignedData (RFC 5652) for PAdES baseline B (ETSI EN 319 142-1) with pkijs: detached
 * content, signed attributes contentType, messageDigest and signingCertificateV2 (ESS, RFC 5035),
 * no signingTime attribute (PAdES puts the time in the signature dictionary's /M).
 *
 * Algorithms per seal key:
 *   P256    digest SHA-256, signature ecdsa-with-SHA256 (1.2.840.10045.4.3.2), DER r,s
 *   ED25519 digest SHA-512, signature id-Ed25519 (1.3.101.112), RFC 8419 (SHA-512 is required
 *           for the message digest when signed attributes are present)
 *   SM2     digest SM3 (1.2.156.10197.1.401), signature sm2-with-sm3 (1.2.156.10197.1.501),
 *           signer ID 1234567812345678, DER r,s (GM/T 0010 also uses 1.2.156.10197.1.301.1: accepted)
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sm3 } from 'sm-crypto-v2';
import { certificateDer } from './ca.ts';
import {
  derToPem,
  OID,
  pemToDer,
  publicKeyAlgorithm,
  publicKeyFromPrivate,
  type SealAlgorithm,
  signData,
  verifyData,
} from './keys.ts';

const ATTR = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;
const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_SHA1 = '1.3.14.3.2.26';
const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
const OID_SM2_SIGN = '1.2.156.10197.1.301.1';

/** Digest and signature algorithm identifiers written for each seal algorithm. */
export const CMS_ALGORITHMS: Record<SealAlgorithm, { digest: string; signature: string }> = {
  P256: { digest: OID.sha256, signature: OID.ecdsaWithSha256 },
  ED25519: { digest: OID.sha512, signature: OID.ed25519 },
  SM2: { digest: OID.sm3, signature: OID.sm2WithSm3 },
};

/** Hashes the parts with the digest algorithm OID (SHA-1/256/384/512, SM3); undefined if unknown. */
export function digestParts(oid: string, parts: Uint8Array[]): Buffer | undefined {
  if (oid === OID.sm3) {
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    return Buffer.from(sm3(Uint8Array.from(all)), 'hex');
  }
  const name =
    oid === OID.sha256
      ? 'sha256'
      : oid === OID.sha512
        ? 'sha512'
        : oid === OID_SHA384
          ? 'sha384'
          : oid === OID_SHA1
            ? 'sha1'
            : undefined;
  if (!name) return undefined;
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The signer of a CMS signature: key, certificate and the chain to include. */
export interface CmsSigner {
  algorithm: SealAlgorithm;
  privateKeyPem: string;
  certPem: string;
  chainPems: string[];
}

/** Creates a detached CAdES-style CMS SignedData (DER) over `content`. */
export function createCadesSignature(content: Uint8Array | Uint8Array[], signer: CmsSigner): Buffer {
  const algs = CMS_ALGORITHMS[signer.algorithm];
  const certDer = certificateDer(signer.certPem);
  const cert = pkijs.Certificate.fromBER(new Uint8Array(certDer));
  const certKey = publicKeyAlgorithm(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER()));
  if (certKey !== signer.algorithm) throw new Error(`the signer certificate is not for a ${signer.algorithm} key`);
  const certSpki = Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER());
  if (!pemToDer(publicKeyFromPrivate(signer.algorithm, signer.privateKeyPem)).equals(certSpki)) {
    throw new Error('the private key does not belong to the signer certificate');
  }
  const messageDigest = digestParts(algs.digest, Array.isArray(content) ? content : [content]);
  if (!messageDigest) throw new Error('unsupported digest');

  const essCertIdV2 = new asn1js.Sequence({
    value: [
      // hashAlgorithm DEFAULT sha256: omitted (DER)
      new asn1js.OctetString({ valueHex: createHash('sha256').update(certDer).digest() }),
      new pkijs.IssuerSerial({
        issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }),
        serialNumber: cert.serialNumber,
      }).toSchema(),
    ],
  });
  const attributes = [
    new pkijs.Attribute({ type: ATTR.contentType, values: [new asn1js.ObjectIdentifier({ value: ID_DATA })] }),
    new pkijs.Attribute({
      type: ATTR.messageDigest,
      values: [new asn1js.OctetString({ valueHex: messageDigest })],
    }),
    new pkijs.Attribute({
      type: ATTR.signingCertificateV2,
      values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })],
    }),
  ];
  // DER: a SET OF is sorted by the encodings of its elements (verifiers such as OpenSSL re-encode).
  const sorted = attributes
    .map((a) => ({ a, der: Buffer.from(a.toSchema().toBER()) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map((x) => x.a);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted });
  const toBeSigned = Buffer.from(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER());
  const signature = signData(signer.algorithm, signer.privateKeyPem, toBeSigned);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: algs.digest }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: algs.signature }),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const certificates = [
    cert,
    ...signer.chainPems.map((p) => pkijs.Certificate.fromBER(new Uint8Array(certificateDer(p)))),
  ];
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: algs.digest })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_DATA }),
    certificates,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER());
}

/** What a CMS signature says, and whether its signer info verifies. */
export interface CmsCheck {
  /** The signer's certificate, found by the signer identifier among the included certificates. */
  signerCertPem?: string;
  /** All other included certificates (candidates for the chain). */
  otherCertPems: string[];
  digestAlgorithm: string;
  signatureAlgorithm: string;
  /** The seal algorithm that verified (or would verify) the signature. */
  algorithm?: SealAlgorithm;
  /** messageDigest attribute equals the digest of the content. */
  digestMatches: boolean;
  /** The signature over the DER signed attributes verifies with the signer certificate's key. */
  signatureValid: boolean;
  /** contentType attribute is id-data. */
  contentTypeOk: boolean;
  /** signingCertificateV2 (or v1) present and naming the signer certificate; undefined when absent. */
  signingCertificateOk?: boolean;
  /** A signingTime attribute is present (PAdES baseline forbids it). */
  hasSigningTimeAttribute: boolean;
  /** Why the check failed, in words. */
  problem?: string;
}

/** Parses a detached CMS SignedData and checks its first signer info against the content parts. */
export function checkCadesSignature(cmsDer: Uint8Array, contentParts: Uint8Array[]): CmsCheck {
  const parsed = asn1js.fromBER(Uint8Array.from(cmsDer));
  if (parsed.offset === -1) throw new Error('the signature is not DER');
  const contentInfo = new pkijs.ContentInfo({ schema: parsed.result });
  if (contentInfo.contentType !== ID_SIGNED_DATA) throw new Error('the signature is not a CMS SignedData');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new Error('the signature has no signer');
  const certs = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const signerCert = certs.find((c) => matchesSid(c, signerInfo.sid));
  const pem = (c: pkijs.Certificate) => derToPem(new Uint8Array(c.toSchema().toBER()), 'CERTIFICATE');
  const result: CmsCheck = {
    signerCertPem: signerCert ? pem(signerCert) : undefined,
    otherCertPems: certs.filter((c) => c !== signerCert).map(pem),
    digestAlgorithm: signerInfo.digestAlgorithm.algorithmId,
    signatureAlgorithm: signerInfo.signatureAlgorithm.algorithmId,
    digestMatches: false,
    signatureValid: false,
    contentTypeOk: false,
    hasSigningTimeAttribute: false,
  };
  const attrs = signerInfo.signedAttrs;
  if (!attrs) return { ...result, problem: 'no signed attributes' };
  const find = (type: string) => attrs.attributes.find((a) => a.type === type);
  result.hasSigningTimeAttribute = find(ATTR.signingTime) !== undefined;
  const ct = find(ATTR.contentType)?.values[0];
  result.contentTypeOk = ct instanceof asn1js.ObjectIdentifier && ct.valueBlock.toString() === ID_DATA;
  const md = find(ATTR.messageDigest)?.values[0];
  const digest = digestParts(result.digestAlgorithm, contentParts);
  if (!digest) return { ...result, problem: `unsupported digest algorithm ${result.digestAlgorithm}` };
  result.digestMatches = md instanceof asn1js.OctetString && Buffer.from(md.valueBlock.valueHexView).equals(digest);
  if (!signerCert) return { ...result, problem: 'the signer certificate is not included' };

  const signerDer = Buffer.from(signerCert.toSchema().toBER());
  const essV2 = find(ATTR.signingCertificateV2)?.values[0];
  const essV1 = find(ATTR.signingCertificate)?.values[0];
  if (essV2 || essV1) result.signingCertificateOk = essNamesCertificate(essV2 ?? essV1, !essV2, signerDer, signerCert);

  const spki = new Uint8Array(signerCert.subjectPublicKeyInfo.toSchema().toBER());
  const keyAlg = publicKeyAlgorithm(spki);
  const sigAlg = result.signatureAlgorithm;
  const algorithm: SealAlgorithm | undefined =
    keyAlg === 'P256' && sigAlg === OID.ecdsaWithSha256
      ? 'P256'
      : keyAlg === 'ED25519' && sigAlg === OID.ed25519
        ? 'ED25519'
        : keyAlg === 'SM2' && (sigAlg === OID.sm2WithSm3 || sigAlg === OID_SM2_SIGN)
          ? 'SM2'
          : undefined;
  if (!algorithm) return { ...result, problem: `unsupported signature algorithm ${sigAlg} for this key` };
  result.algorithm = algorithm;
  if (algorithm === 'ED25519' && result.digestAlgorithm !== OID.sha512) {
    return { ...result, problem: 'Ed25519 with signed attributes requires SHA-512 (RFC 8419)' };
  }
  if (algorithm === 'SM2' && result.digestAlgorithm !== OID.sm3) {
    return { ...result, problem: 'SM2 signatures use the SM3 digest' };
  }
  // The signature covers the DER of the attributes as a SET OF (tag 0x31), not the [0] IMPLICIT form.
  const encoded = Buffer.from(attrs.encodedValue);
  encoded[0] = 0x31;
  result.signatureValid = verifyData(
    algorithm,
    derToPem(spki, 'PUBLIC KEY'),
    encoded,
    new Uint8Array(signerInfo.signature.valueBlock.valueHexView),
  );
  return result;
}

function matchesSid(cert: pkijs.Certificate, sid: unknown): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber);
  }
  // [0] SubjectKeyIdentifier: a context-specific OCTET STRING (pkijs may wrap it in a [0] constructed).
  let keyId: Uint8Array | undefined;
  if (sid instanceof asn1js.Constructed) {
    const inner = sid.valueBlock.value[0];
    if (inner instanceof asn1js.OctetString) keyId = inner.valueBlock.valueHexView;
  } else if (sid instanceof asn1js.Primitive) keyId = sid.valueBlock.valueHexView;
  if (keyId) {
    const ski = cert.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue;
    return ski instanceof asn1js.OctetString && Buffer.from(ski.valueBlock.valueHexView).equals(Buffer.from(keyId));
  }
  return false;
}

/** Does the first ESSCertID(v2) of a signingCertificate(v2) attribute name this certificate? */
function essNamesCertificate(value: unknown, v1: boolean, certDer: Buffer, cert: pkijs.Certificate): boolean {
  if (!(value instanceof asn1js.Sequence)) return false;
  const certs = value.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return false;
  const first = certs.valueBlock.value[0];
  if (!(first instanceof asn1js.Sequence)) return false;
  const parts = first.valueBlock.value;
  let i = 0;
  let hashOid = v1 ? OID_SHA1 : OID.sha256;
  if (!v1 && parts[0] instanceof asn1js.Sequence) {
    const oid = parts[0].valueBlock.value[0];
    if (oid instanceof asn1js.ObjectIdentifier) hashOid = oid.valueBlock.toString();
    i = 1;
  }
  const hash = parts[i];
  if (!(hash instanceof asn1js.OctetString)) return false;
  const expected = digestParts(hashOid, [certDer]);
  if (!expected?.equals(Buffer.from(hash.valueBlock.valueHexView))) return false;
  const issuerSerial = parts[i + 1];
  if (issuerSerial instanceof asn1js.Sequence) {
    const serial = issuerSerial.valueBlock.value[1];
    if (!(serial instanceof asn1js.Integer) || !serial.isEqual(cert.serialNumber)) return false;
  }
  return true;
}
