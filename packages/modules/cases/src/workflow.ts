/**
 * The case (办件) state machine as data (domain reference §2). Every change of state goes
 * through one of these transitions; nothing else writes `cases.state`.
 */

export const STATES = [
  'DRAFT',
  'SUBMITTED',
  'PRE_REVIEW',
  'PRE_REVIEW_RETURNED',
  'RECEIVED',
  'SUPPLEMENT_NOTICE',
  'NOT_ACCEPTED',
  'ACCEPTED',
  'REVIEWING',
  'SUSPENDED',
  'DECIDED',
  'COMPLETED',
  'DELIVERED',
  'WITHDRAWN',
  'VOIDED',
] as const;
export type State = (typeof STATES)[number];

/** States a case never leaves. */
export const TERMINAL_STATES: readonly State[] = ['NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED'];

/** States before the decision that are not terminal: withdraw and void apply here. */
export const BEFORE_DECISION: readonly State[] = [
  'DRAFT',
  'SUBMITTED',
  'PRE_REVIEW',
  'PRE_REVIEW_RETURNED',
  'RECEIVED',
  'SUPPLEMENT_NOTICE',
  'ACCEPTED',
  'REVIEWING',
  'SUSPENDED',
];

/** States in which the promised time limit is running (or paused, for SUSPENDED). */
export const CLOCK_STATES: readonly State[] = ['ACCEPTED', 'REVIEWING', 'SUSPENDED'];
/** States in which the clock runs: only these can come near or past their due day (SUSPENDED is paused). */
export const RUNNING_STATES: readonly State[] = ['ACCEPTED', 'REVIEWING'];

export type Actor = 'applicant' | 'staff' | 'system';
export type Outcome = 'APPROVED' | 'DENIED';

export const HANDLE = 'cases.handle';
export const READ = 'cases.read';

export interface Transition {
  action: string;
  from: readonly State[];
  to: State;
  actor: Actor;
  permission?: string;
  requires?: readonly 'reason'[];
  /** Decision recorded with the transition (approve / deny). */
  outcome?: Outcome;
  /** Status code pushed to the provincial platform (domain reference §2), when there is one. */
  vendorStatus?: number;
}

const staff = (t: Omit<Transition, 'actor' | 'permission'>): Transition => ({
  ...t,
  actor: 'staff',
  permission: HANDLE,
});

export const TRANSITIONS: readonly Transition[] = Object.freeze([
  { action: 'submit', from: ['DRAFT'], to: 'SUBMITTED', actor: 'applicant' },
  staff({ action: 'pre_review', from: ['SUBMITTED'], to: 'PRE_REVIEW' }),
  staff({ action: 'return', from: ['PRE_REVIEW'], to: 'PRE_REVIEW_RETURNED', requires: ['reason'] }),
  { action: 'resubmit', from: ['PRE_REVIEW_RETURNED'], to: 'SUBMITTED', actor: 'applicant' },
  staff({ action: 'receive', from: ['PRE_REVIEW'], to: 'RECEIVED', vendorStatus: 1 }),
  staff({
    action: 'request_supplement',
    from: ['RECEIVED'],
    to: 'SUPPLEMENT_NOTICE',
    requires: ['reason'],
    vendorStatus: 6,
  }),
  { action: 'supplement', from: ['SUPPLEMENT_NOTICE'], to: 'RECEIVED', actor: 'applicant' },
  staff({ action: 'refuse', from: ['RECEIVED'], to: 'NOT_ACCEPTED', requires: ['reason'], vendorStatus: 4 }),
  staff({ action: 'accept', from: ['RECEIVED'], to: 'ACCEPTED', vendorStatus: 3 }),
  staff({ action: 'start_review', from: ['ACCEPTED'], to: 'REVIEWING', vendorStatus: 8 }),
  staff({ action: 'suspend', from: ['REVIEWING'], to: 'SUSPENDED', requires: ['reason'], vendorStatus: 9 }),
  staff({ action: 'resume', from: ['SUSPENDED'], to: 'REVIEWING', vendorStatus: 10 }),
  staff({ action: 'approve', from: ['REVIEWING'], to: 'DECIDED', outcome: 'APPROVED' }),
  staff({ action: 'deny', from: ['REVIEWING'], to: 'DECIDED', requires: ['reason'], outcome: 'DENIED' }),
  staff({ action: 'conclude', from: ['DECIDED'], to: 'COMPLETED', vendorStatus: 11 }),
  staff({ action: 'deliver', from: ['COMPLETED'], to: 'DELIVERED' }),
  { action: 'withdraw', from: BEFORE_DECISION, to: 'WITHDRAWN', actor: 'applicant' },
  staff({ action: 'void', from: BEFORE_DECISION, to: 'VOIDED', requires: ['reason'] }),
  // 行政许可法 §32: no supplement notice within 5 working days → accepted from the day of receipt.
  { action: 'auto_accept', from: ['RECEIVED'], to: 'ACCEPTED', actor: 'system', vendorStatus: 3 },
  // Steps inside REVIEWING (the state does not change): review steps of the item version,
  // parallel countersign by other departments, and the §42 extension.
  staff({ action: 'complete_step', from: ['REVIEWING'], to: 'REVIEWING' }),
  staff({ action: 'countersign_start', from: ['REVIEWING'], to: 'REVIEWING' }),
  staff({ action: 'countersign', from: ['REVIEWING'], to: 'REVIEWING' }),
  staff({ action: 'extend', from: ['REVIEWING'], to: 'REVIEWING', requires: ['reason'] }),
  // 容缺受理: the applicant hands in tolerated materials after acceptance (state unchanged).
  ...(['ACCEPTED', 'REVIEWING', 'SUSPENDED'] as const).map(
    (s): Transition => ({ action: 'provide_materials', from: [s], to: s, actor: 'applicant' }),
  ),
] satisfies Transition[]);

/** Actions that keep the case in its state (steps within a state). */
export const IN_STATE_ACTIONS: readonly string[] = [
  'complete_step',
  'countersign_start',
  'countersign',
  'extend',
  'provide_materials',
];

export const ACTIONS: readonly string[] = Object.freeze([...new Set(TRANSITIONS.map((t) => t.action))]);
export type Action = (typeof ACTIONS)[number];

/** The transition `action` allowed from `from`, if any. */
export function findTransition(action: string, from: State): Transition | undefined {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(from));
}

export function isKnownAction(action: string): boolean {
  return ACTIONS.includes(action);
}
