/** Types of the evaluation (好差评) API: /cases/{id}/rating and /evaluations/…. */
import type { MessageKey } from '../../i18n/index.tsx';

export const INDICATORS = ['overall', 'efficiency', 'guideAccuracy', 'convenience', 'usability'] as const;
export type Indicator = (typeof INDICATORS)[number];
export const LEVELS = [5, 4, 3, 2, 1] as const;
export const BAD_LEVEL = 2;

export type RectifyState = 'OPEN' | 'VERIFIED' | 'APPEALED' | 'RECTIFIED' | 'FEEDBACK' | 'CLOSED' | 'CLOSED_APPEAL';
export const RECTIFY_STATES: RectifyState[] = [
  'OPEN',
  'VERIFIED',
  'APPEALED',
  'RECTIFIED',
  'FEEDBACK',
  'CLOSED',
  'CLOSED_APPEAL',
];
export type RectifyKind = 'immediate' | 'ledger' | 'explanation';
export const RECTIFY_KINDS: RectifyKind[] = ['immediate', 'ledger', 'explanation'];
export const VISIT_METHODS = ['phone', 'sms', 'visit', 'online'] as const;

export interface Rating {
  id: string;
  caseId: string;
  level: number;
  levelName: string;
  levelNameEn: string;
  indicators: Record<Indicator, number>;
  comment: string | null;
  realName: boolean;
  excluded: boolean;
  createdAt: string;
}

export interface Feedback {
  sentAt: string;
  satisfied: boolean | null;
  comment: string | null;
  respondedAt: string | null;
}

export interface RaterRectification {
  id: string;
  state: RectifyState;
  version: number;
  measures: { kind: RectifyKind; measures: string; ledgerDueDay: string | null; at: string } | null;
  feedback: Feedback | null;
  allowedActions: string[];
}

export interface RatingAnswer {
  rating: Rating | null;
  canRate: boolean;
  rectification: RaterRectification | { id: string; state: RectifyState } | null;
}

export interface RectificationSummary {
  id: string;
  caseId: string;
  serialNo: string;
  itemName: string;
  departmentId: string;
  departmentName: string | null;
  regionCode: string;
  state: RectifyState;
  round: number;
  dueDay: string;
  overdue: boolean;
  level: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RectificationDetail extends RectificationSummary {
  rating: Rating;
  applicantName: string;
  appeal: {
    reason: string;
    byName: string | null;
    at: string;
    decision: 'upheld' | 'rejected' | null;
    decisionReason: string | null;
    decidedAt: string | null;
  } | null;
  measures: {
    kind: RectifyKind;
    measures: string;
    ledgerDueDay: string | null;
    byName: string | null;
    at: string;
  } | null;
  feedback: Feedback | null;
  returnVisits: { method: (typeof VISIT_METHODS)[number]; note: string; byName: string | null; at: string }[];
  returnVisitRequired: boolean;
  overdueAt: string | null;
  closedAt: string | null;
  events: {
    seq: number;
    fromState: RectifyState | null;
    toState: RectifyState;
    action: string;
    actorName: string | null;
    note: string | null;
    at: string;
  }[];
  allowedActions: string[];
}

export interface LevelStats {
  total: number;
  byLevel: Record<'1' | '2' | '3' | '4' | '5', number>;
  satisfactionRate: number | null;
  averageLevel: number | null;
  indicators: Record<Indicator, number | null>;
}

export interface EvaluationStats extends LevelStats {
  from: string | null;
  to: string | null;
  excluded: number;
  departments: (LevelStats & {
    departmentId: string;
    departmentName: string | null;
    openRectifications: number;
    overdueRectifications: number;
  })[];
}

export const levelKey = (n: number) => `onestop.eval.level.${n}` as MessageKey;
export const indicatorKey = (k: Indicator) => `onestop.eval.ind.${k}` as MessageKey;
export const stateKey = (s: RectifyState) => `onestop.eval.state.${s}` as MessageKey;
export const actionKey = (a: string) => `onestop.eval.act.${a}` as MessageKey;
export const kindKey = (k: RectifyKind) => `onestop.eval.kind.${k}` as MessageKey;
export const visitKey = (m: string) => `onestop.eval.visit.${m}` as MessageKey;

export const STATE_COLORS: Record<RectifyState, string> = {
  OPEN: 'orange',
  VERIFIED: 'gold',
  APPEALED: 'purple',
  RECTIFIED: 'blue',
  FEEDBACK: 'cyan',
  CLOSED: 'green',
  CLOSED_APPEAL: 'default',
};

export const EVAL_KEY = ['evaluation'] as const;
