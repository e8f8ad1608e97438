/**
 * Seal keys: Ed25519, ECDSA P-256 and SM2 (GB/T 32918 with SM3, signer ID 1234567812345678).
 *
 * Keys travel as PEM: PKCS#8 private keys and SPKI public keys. SM2 keys use the encodings OpenSSL
 * reads and writes (algorithm id-ecPublicKey 1.2.840.10045.2.1 with the named curve
 * 1.2.156.10197.1.301). Ed25519 and P-256 run on node:crypto; SM2 on sm-crypto-v2, because Node's
 * built-in SM2 signs with an empty signer ID and cannot be given another.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import { sm2 } from 'sm-crypto-v2';

/** A seal key algorithm. */
export type SealAlgorithm = 'ED25519' | 'P256' | 'SM2';

/** A key pair as PEM (PKCS#8 private key, SPKI public key). */
export interface SealKeyPair {
  algorithm: SealAlgorithm;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** The algorithms this module signs with. */
export const SEAL_ALGORITHMS: readonly SealAlgorithm[] = ['ED25519', 'P256', 'SM2'];

/** The default SM2 signer ID (GB/T 35276 / GM/T 0009): the ASCII string 1234567812345678. */
export const SM2_DEFAULT_ID = '1234567812345678';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  sm2Curve: '1.2.156.10197.1.301',
  ed25519: '1.3.101.112',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sm2WithSm3: '1.2.156.10197.1.501',
  sm3: '1.2.156.10197.1.401',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** Decodes a PEM block (the first one, or the first with `label`) to DER. */
export function pemToDer(pem: string, label?: string): Buffer {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of pem.matchAll(re)) {
    if (!label || m[1] === label) return Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  }
  throw new Error(label ? `no PEM block "${label}"` : 'no PEM block');
}

/** Encodes DER as PEM with the given label. */
export function derToPem(der: Uint8Array | ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** Generates a key pair for the algorithm. */
export function generateKeyPair(algorithm: SealAlgorithm): SealKeyPair {
  if (algorithm === 'SM2') {
    const { privateKey, publicKey } = sm2.generateKeyPairHex();
    const d = Buffer.from(privateKey, 'hex');
    const q = Buffer.from(publicKey, 'hex');
    return {
      algorithm,
      privateKeyPem: derToPem(sm2Pkcs8(d, q), 'PRIVATE KEY'),
      publicKeyPem: derToPem(sm2Spki(q), 'PUBLIC KEY'),
    };
  }
  const pair =
    algorithm === 'ED25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    algorithm,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Signs data: Ed25519 (raw 64 bytes), ECDSA P-256 with SHA-256 (DER), or SM2 with SM3 over
 * Z(ID=1234567812345678) || data (DER r,s). Throws if the key is not of the algorithm.
 */
export function signData(algorithm: SealAlgorithm, privateKeyPem: string, data: Uint8Array): Buffer {
  if (algorithm === 'SM2') {
    const { d, q } = sm2PrivateFromPkcs8(pemToDer(privateKeyPem));
    const sigHex = sm2.doSignature(data, d.toString('hex'), {
      der: true,
      hash: true,
      publicKey: q.toString('hex'),
      userId: SM2_DEFAULT_ID,
    });
    return Buffer.from(sigHex, 'hex');
  }
  const key = createPrivateKey(privateKeyPem);
  assertNodeKey(algorithm, key);
  return sign(algorithm === 'ED25519' ? null : 'sha256', data, key);
}

/** Verifies a signature made by `signData`; false (never a throw) for a wrong key, data or signature. */
export function verifyData(
  algorithm: SealAlgorithm,
  publicKeyPem: string,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (algorithm === 'SM2') {
      const q = sm2PointFromSpki(pemToDer(publicKeyPem));
      if (!isStrictSm2Der(signature)) return false;
      return sm2.doVerifySignature(data, Buffer.from(signature).toString('hex'), q.toString('hex'), {
        der: true,
        hash: true,
        userId: SM2_DEFAULT_ID,
      });
    }
    const key = createPublicKey(publicKeyPem);
    assertNodeKey(algorithm, key);
    return verify(algorithm === 'ED25519' ? null : 'sha256', data, key, signature);
  } catch {
    return false;
  }
}

/**
 * A verifier bound to one public key, parsed once: a KeyObject for Ed25519 and P-256, a point with
 * precomputed multiples for SM2 (about 10× faster than parsing per call). Same answers as
 * `verifyData`; never throws. For keys that verify many signatures (a seal's records).
 */
export function publicKeyVerifier(
  algorithm: SealAlgorithm,
  publicKeyPem: string,
): (data: Uint8Array, signature: Uint8Array) => boolean {
  try {
    if (algorithm === 'SM2') {
      const point = sm2.precomputePublicKey(sm2PointFromSpki(pemToDer(publicKeyPem)).toString('hex'), 8);
      return (data, signature) => {
        try {
          if (!isStrictSm2Der(signature)) return false;
          return sm2.doVerifySignature(data, Buffer.from(signature).toString('hex'), point, {
            der: true,
            hash: true,
            userId: SM2_DEFAULT_ID,
          });
        } catch {
          return false;
        }
      };
    }
    const key = createPublicKey(publicKeyPem);
    assertNodeKey(algorithm, key);
    return (data, signature) => {
      try {
        return verify(algorithm === 'ED25519' ? null : 'sha256', data, key, signature);
      } catch {
        return false;
      }
    };
  } catch {
    return () => false;
  }
}

/** The seal algorithm of an SPKI public key (PEM or DER), or undefined for any other key. */
export function publicKeyAlgorithm(spki: string | Uint8Array): SealAlgorithm | undefined {
  try {
    const der = typeof spki === 'string' ? pemToDer(spki) : Buffer.from(spki);
    const { algorithm, parameter } = spkiAlgorithm(der);
    if (algorithm === OID.ed25519) return 'ED25519';
    if (algorithm === OID.sm2Curve) return 'SM2';
    if (algorithm === OID.ecPublicKey && parameter === OID.p256) return 'P256';
    if (algorithm === OID.ecPublicKey && parameter === OID.sm2Curve) return 'SM2';
    return undefined;
  } catch {
    return undefined;
  }
}

/** The SPKI public key PEM belonging to a PKCS#8 private key of the algorithm. */
export function publicKeyFromPrivate(algorithm: SealAlgorithm, privateKeyPem: string): string {
  if (algorithm === 'SM2') {
    const { q } = sm2PrivateFromPkcs8(pemToDer(privateKeyPem));
    return derToPem(sm2Spki(q), 'PUBLIC KEY');
  }
  const key = createPrivateKey(privateKeyPem);
  assertNodeKey(algorithm, key);
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

function assertNodeKey(algorithm: 'ED25519' | 'P256', key: KeyObject): void {
  const ok =
    algorithm === 'ED25519'
      ? key.asymmetricKeyType === 'ed25519'
      : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!ok) throw new Error(`key is not a ${algorithm} key`);
}

// ---- SM2 key encodings --------------------------------------------------------------------------

const SM2_N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

function sm2AlgorithmIdentifier(): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.ecPublicKey }),
      new asn1js.ObjectIdentifier({ value: OID.sm2Curve }),
    ],
  });
}

function sm2Pkcs8(d: Buffer, q: Buffer): ArrayBuffer {
  const ecPrivateKey = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      new asn1js.OctetString({ valueHex: d }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [new asn1js.BitString({ valueHex: q })],
      }),
    ],
  });
  return new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      sm2AlgorithmIdentifier(),
      new asn1js.OctetString({ valueHex: ecPrivateKey.toBER() }),
    ],
  }).toBER();
}

function sm2Spki(q: Buffer): ArrayBuffer {
  return new asn1js.Sequence({
    value: [sm2AlgorithmIdentifier(), new asn1js.BitString({ valueHex: q })],
  }).toBER();
}

function parseDer(der: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(Uint8Array.from(der));
  if (parsed.offset === -1) throw new Error('bad DER');
  return parsed.result;
}

function spkiAlgorithm(der: Uint8Array): { algorithm: string; parameter?: string; key: Uint8Array } {
  const seq = parseDer(der);
  if (!(seq instanceof asn1js.Sequence)) throw new Error('SPKI is not a SEQUENCE');
  const [alg, bits] = seq.valueBlock.value;
  if (!(alg instanceof asn1js.Sequence) || !(bits instanceof asn1js.BitString)) throw new Error('bad SPKI');
  const [oid, param] = alg.valueBlock.value;
  if (!(oid instanceof asn1js.ObjectIdentifier)) throw new Error('bad SPKI algorithm');
  return {
    algorithm: oid.valueBlock.toString(),
    parameter: param instanceof asn1js.ObjectIdentifier ? param.valueBlock.toString() : undefined,
    key: new Uint8Array(bits.valueBlock.valueHexView),
  };
}

function sm2PointFromSpki(der: Uint8Array): Buffer {
  const { key } = spkiAlgorithm(der);
  if (publicKeyAlgorithm(der) !== 'SM2') throw new Error('key is not an SM2 key');
  if (key.length !== 65 || key[0] !== 4) throw new Error('SM2 public key must be an uncompressed point');
  return Buffer.from(key);
}

function sm2PrivateFromPkcs8(der: Uint8Array): { d: Buffer; q: Buffer } {
  const seq = parseDer(der);
  if (!(seq instanceof asn1js.Sequence)) throw new Error('PKCS#8 is not a SEQUENCE');
  const [, alg, octets] = seq.valueBlock.value;
  if (!(alg instanceof asn1js.Sequence) || !(octets instanceof asn1js.OctetString)) throw new Error('bad PKCS#8');
  const [oid, param] = alg.valueBlock.value;
  const algOid = oid instanceof asn1js.ObjectIdentifier ? oid.valueBlock.toString() : '';
  const paramOid = param instanceof asn1js.ObjectIdentifier ? param.valueBlock.toString() : '';
  const isSm2 = algOid === OID.sm2Curve || (algOid === OID.ecPublicKey && paramOid === OID.sm2Curve);
  if (!isSm2) throw new Error('key is not an SM2 key');
  const inner = parseDer(new Uint8Array(octets.valueBlock.valueHexView));
  if (!(inner instanceof asn1js.Sequence)) throw new Error('bad ECPrivateKey');
  const dOctets = inner.valueBlock.value[1];
  if (!(dOctets instanceof asn1js.OctetString)) throw new Error('bad ECPrivateKey');
  const dRaw = Buffer.from(dOctets.valueBlock.valueHexView);
  const d = Buffer.concat([Buffer.alloc(Math.max(0, 32 - dRaw.length)), dRaw]);
  const dn = BigInt(`0x${d.toString('hex')}`);
  if (dn <= 0n || dn >= SM2_N - 1n) throw new Error('SM2 private key out of range');
  let q: Buffer | undefined;
  for (const el of inner.valueBlock.value.slice(2)) {
    if (el.idBlock.tagClass === 3 && el.idBlock.tagNumber === 1 && el instanceof asn1js.Constructed) {
      const bits = el.valueBlock.value[0];
      if (bits instanceof asn1js.BitString) q = Buffer.from(bits.valueBlock.valueHexView);
    }
  }
  q ??= Buffer.from(sm2.getPublicKeyFromPrivateKey(d.toString('hex')), 'hex');
  return { d, q };
}

/** A DER SEQUENCE of two positive INTEGERs in [1, n-1], nothing trailing (sm-crypto-v2 checks neither). */
function isStrictSm2Der(sig: Uint8Array): boolean {
  try {
    const parsed = asn1js.fromBER(Uint8Array.from(sig));
    if (parsed.offset !== sig.length) return false;
    const seq = parsed.result;
    if (!(seq instanceof asn1js.Sequence) || seq.valueBlock.value.length !== 2) return false;
    return seq.valueBlock.value.every((v) => {
      if (!(v instanceof asn1js.Integer)) return false;
      const n = v.toBigInt();
      return n > 0n && n < SM2_N;
    });
  } catch {
    return false;
  }
}
