/** Shapes of the licences module (domain reference §4: GB/T 36901–36906 licences, GB/T 38540 seals). */
import type { SealAlgorithm } from './pki/keys.ts';

export type { SealAlgorithm };
export const SEAL_ALGORITHMS: readonly SealAlgorithm[] = ['ED25519', 'P256', 'SM2'];

/** 印章类型: 公章, 业务专用章 (e.g. 行政审批专用章), 电子证照专用章. */
export const SEAL_TYPES = ['official', 'approval', 'licence'] as const;
export type SealType = (typeof SEAL_TYPES)[number];

export type SealStatus = 'active' | 'suspended' | 'revoked';

export interface SealView {
  id: string;
  departmentId: string;
  departmentName: string;
  name: string;
  sealType: SealType;
  algorithm: SealAlgorithm;
  status: SealStatus;
  statusReason: string | null;
  validFrom: string;
  validTo: string;
  certSerial: string;
  certFingerprint: string;
  certPem: string;
  pictureKind: 'generated' | 'uploaded';
  /** The picture as a data URL (SVG or PNG). */
  picture: string;
  createdAt: string;
}

export interface TemplateField {
  /** Key of the licence's metadata (`data`). */
  key: string;
  label: string;
  labelEn?: string | null;
  /** Field of the case form that fills it at automatic issuance. */
  fromForm?: string | null;
}

export interface LicenceTypeInput {
  typeCode: string;
  name: string;
  nameEn?: string | null;
  authorityName: string;
  authorityCode: string;
  holderKind: 'person' | 'enterprise';
  metadataSchema: Record<string, unknown>;
  template: { fields: TemplateField[] };
  validityYears?: number | null;
  issuingDepartmentIds: string[];
  taskCodes: string[];
}

export interface LicenceType extends LicenceTypeInput {
  id: string;
  status: 'active' | 'retired';
}

export type LicenceStatus = 'valid' | 'revoked' | 'cancelled' | 'superseded';

/** Public verification answers. */
export type VerifyStatus = 'valid' | 'revoked' | 'expired' | 'tampered' | 'unknown';
/** Status of a licence for display: verification status, or superseded/cancelled. */
export type EffectiveStatus = VerifyStatus | 'superseded' | 'cancelled';

/** Metadata a holder may disclose to a verifier (besides status, type, issuer and validity). */
export const DISCLOSABLE = ['holderName', 'holderCode', 'licenceNumber', 'data'] as const;
export type Disclosable = (typeof DISCLOSABLE)[number];

/** A licence as the API answers it (holder code masked). */
export interface LicenceView {
  id: string;
  identifier: string;
  typeId: string;
  typeCode: string;
  typeName: string;
  typeNameEn: string | null;
  licenceNumber: string;
  version: number;
  previousId: string | null;
  issuerName: string;
  issuerCode: string;
  holderName: string;
  holderCodeMasked: string;
  holderCodeType: string;
  issueDate: string;
  validFrom: string;
  validTo: string | null;
  jurisdictionCode: string;
  taskCode: string | null;
  taskName: string | null;
  caseId: string | null;
  data: Record<string, unknown>;
  disclosure: Disclosable[];
  status: LicenceStatus;
  effectiveStatus: EffectiveStatus;
  statusReason: string | null;
  sealId: string;
  verifyUrl: string;
  createdAt: string;
}

/** What public verification answers. */
export interface VerifyAnswer {
  status: VerifyStatus;
  reason?: string;
  identifier?: string;
  typeName?: string;
  typeCode?: string;
  issuerName?: string;
  issuerCode?: string;
  issueDate?: string;
  validFrom?: string;
  validTo?: string | null;
  version?: number;
  statusReason?: string | null;
  /** Fields the holder chose to disclose. */
  disclosed?: Record<string, unknown>;
  signer?: { subject: string; issuer: string; serial: string; algorithm?: string } | null;
  signedAt?: string | null;
  /** For another node's licence: the trust-list node that vouches for it. */
  trustedNode?: string | null;
}
