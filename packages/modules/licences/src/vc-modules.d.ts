// Minimal ambient types for the JSON-LD / Verifiable Credential libraries used by vc.ts and its
// test. These packages ship no TypeScript declarations; only the members we call are declared.

/** Result of a JSON-LD document loader call. */
interface YiwangJsonLdRemoteDocument {
  contextUrl: string | null;
  document: unknown;
  documentUrl: string;
}

/** A JSON-LD document loader: resolves a URL (context, DID, verification method) to a document. */
type YiwangJsonLdDocumentLoader = (url: string) => Promise<YiwangJsonLdRemoteDocument>;

/** What `vc.verifyCredential` resolves to in both VC library families. */
interface YiwangVcVerifyResult {
  verified: boolean;
  error?: unknown;
  results?: { verified: boolean; error?: unknown }[];
  statusResult?: { verified: boolean; error?: unknown };
}

/** Options shared by `issue` / `verifyCredential` of @digitalbazaar/vc and @digitalcredentials/vc. */
interface YiwangVcOptions {
  credential: Record<string, unknown>;
  suite: unknown;
  documentLoader: YiwangJsonLdDocumentLoader;
  now?: Date | string;
  maxClockSkew?: number;
  checkStatus?: (options: { credential: Record<string, unknown> }) => Promise<{ verified: boolean; error?: unknown }>;
}

declare module '@digitalbazaar/vc' {
  export function issue(options: YiwangVcOptions): Promise<Record<string, unknown>>;
  export function verifyCredential(options: YiwangVcOptions): Promise<YiwangVcVerifyResult>;
}

declare module '@digitalcredentials/vc' {
  export function verifyCredential(options: YiwangVcOptions): Promise<YiwangVcVerifyResult>;
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; signer?: unknown; date?: Date | string });
  }
}

declare module '@digitalcredentials/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; signer?: unknown; date?: Date | string });
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string; requiredAlgorithm: string };
}

declare module '@digitalcredentials/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string; requiredAlgorithm: string };
}

declare module '@digitalbazaar/ed25519-multikey' {
  /** An Ed25519 Multikey key pair as returned by `from` / `fromJwk`. */
  export interface Ed25519MultikeyKeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): { id: string; algorithm: string; sign(options: { data: Uint8Array }): Promise<Uint8Array> };
  }
  export function fromJwk(options: {
    jwk: { kty?: string; crv?: string; x?: string; d?: string };
    secretKey?: boolean;
    id?: string;
    controller?: string;
  }): Promise<Ed25519MultikeyKeyPair>;
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}

declare module '@digitalbazaar/security-document-loader' {
  export function securityLoader(): { build(): YiwangJsonLdDocumentLoader };
}

declare module 'jsonld' {
  const jsonld: {
    toRDF(input: unknown, options: Record<string, unknown>): Promise<unknown>;
  };
  export default jsonld;
}

declare module 'rdf-canonize' {
  export function canonize(dataset: unknown, options: { algorithm: string; [key: string]: unknown }): Promise<string>;
}
