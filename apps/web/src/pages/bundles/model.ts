/**
 * Shapes of the bundles API (一件事一次办, docs/cases-api.md "Bundles") as the portal pages use them,
 * and the rules the pages apply locally: which members apply for the answers given, which bundle
 * materials are then needed, and what is sent on submission.
 */
import type { MessageKey, TFunction } from '../../i18n/index.tsx';
import type { CaseView, FileMeta, GuideMaterial, TimelineEvent } from '../apply/model.ts';

export interface BundleSummary {
  code: string;
  name: string;
  nameEn: string;
  description: string | null;
  theme: string;
  jointDeadlineDays: number;
  members: { taskCode: string; itemName: string; departmentName: string }[];
}

export interface Scenario {
  id: string;
  question: string;
  questionEn: string;
}

export interface BundleMember {
  taskCode: string;
  condition?: { scenario: string; equals: boolean } | null;
  dependsOn?: string[];
  itemName: string;
  departmentName: string;
  promisedLimit: number;
  promisedUnit: number;
}

export interface BundleField {
  id: string;
  title: string;
  titleEn: string;
  type: 'string';
  format?: string;
  required: boolean;
  mapsTo: { taskCode: string; field: string }[];
}

export interface BundleMaterial {
  code: string;
  name: string;
  fulfilment: 'UPLOAD' | 'COMMITMENT' | 'RESULT';
  producedBy?: string | null;
  satisfies: { taskCode: string; material: string }[];
}

export interface BundleGuide {
  code: string;
  name: string;
  nameEn: string;
  description: string | null;
  theme: string;
  leadDepartmentId: string;
  leadDepartmentName: string | null;
  applicantTypes: ('person' | 'enterprise')[];
  scenarios: Scenario[];
  members: BundleMember[];
  form: BundleField[];
  materials: BundleMaterial[];
  jointDeadlineDays: number;
  /** false when a member item was cancelled after publication: applying is refused. */
  available: boolean;
  formSchema: { type: 'object'; required: string[]; properties: Record<string, { type: string; title: string }> };
}

export type BundleState = 'IN_PROGRESS' | 'COMPLETED' | 'WITHDRAWN';

export interface BundleCaseView {
  id: string;
  serialNo: string;
  bundleCode: string;
  bundleName: string;
  state: BundleState;
  answers: Record<string, boolean>;
  dueDay: string | null;
  version: number;
  createdAt: string;
  completedAt: string | null;
}

export type BundleChild = CaseView & { departmentId?: string; waitingFor: string[] };
export type BundleEvent = TimelineEvent & { caseId: string; itemName: string };

export interface BundleCaseDetail {
  bundleCase: BundleCaseView;
  children: BundleChild[];
  timeline: BundleEvent[];
}

export interface BundleTrackView {
  serialNo: string;
  bundleName: string;
  state: BundleState;
  dueDay: string | null;
  children: {
    itemName: string;
    state: string;
    stateName: string;
    outcome: 'APPROVED' | 'DENIED' | null;
    dueDay: string | null;
  }[];
}

/** Bundle serial numbers start with YB (single cases: YW). */
export const isBundleSerial = (serialNo: string) => /^YB/i.test(serialNo.trim());

export const bundleName = (b: { name: string; nameEn: string }, lang: string) =>
  lang === 'en' && b.nameEn ? b.nameEn : b.name;

export const bundleStateColor = (s: string) => (s === 'COMPLETED' ? 'green' : s === 'WITHDRAWN' ? 'default' : 'blue');

export function bundleStateText(t: TFunction, s: string): string {
  const key = `bundles.state.${s}` as MessageKey;
  const v = t(key);
  return v === key ? s : v;
}

/** "10 个工作日" from a limit and the catalog's unit code. */
export function limitText(t: TFunction, n: number, unit: number): string {
  return `${n} ${t(`services.unit${unit}` as MessageKey)}`;
}

/** Whether a member applies for the answers: true, false, or null while its scenario is unanswered. */
export function memberApplies(m: Pick<BundleMember, 'condition'>, answers: Record<string, boolean>): boolean | null {
  if (!m.condition) return true;
  const a = answers[m.condition.scenario];
  if (a === undefined) return null;
  return a === m.condition.equals;
}

/** Task codes of the members that apply (unanswered conditions count as not applying yet). */
export function applyingMembers(g: BundleGuide, answers: Record<string, boolean>): Set<string> {
  return new Set(g.members.filter((m) => memberApplies(m, answers) === true).map((m) => m.taskCode));
}

/** Fields of the one form that feed at least one applying member, in the bundle's order. */
export function visibleFields(g: BundleGuide, applying: Set<string>): BundleField[] {
  return g.form.filter((f) => !f.mapsTo.length || f.mapsTo.some((t) => applying.has(t.taskCode)));
}

/**
 * Bundle materials needed for the applying members: those satisfying a material of an applying
 * member; a RESULT material only when its producer applies too (it is then provided automatically).
 */
export function visibleMaterials(g: BundleGuide, applying: Set<string>): BundleMaterial[] {
  return g.materials.filter((m) => {
    if (!m.satisfies.some((s) => applying.has(s.taskCode))) return false;
    if (m.fulfilment === 'RESULT') return !!m.producedBy && applying.has(m.producedBy);
    return true;
  });
}

/** The item names a bundle material is used for ("同时用于"), applying members only when given. */
export function usedFor(g: BundleGuide, m: BundleMaterial, applying?: Set<string>): string[] {
  const names: string[] = [];
  for (const s of m.satisfies) {
    if (applying && !applying.has(s.taskCode)) continue;
    const name = g.members.find((x) => x.taskCode === s.taskCode)?.itemName ?? s.taskCode;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

export const itemNameOf = (g: BundleGuide | undefined, taskCode: string) =>
  g?.members.find((m) => m.taskCode === taskCode)?.itemName ?? taskCode;

/** Member item guides by task code (for required flags and upload rules of the member materials). */
export type MemberGuides = Map<string, { materials: GuideMaterial[] }>;

/** The member material a bundle material satisfies first among the applying members (its upload rules apply). */
export function uploadTarget(m: BundleMaterial, applying: Set<string>): { taskCode: string; material: string } | null {
  return m.satisfies.find((s) => applying.has(s.taskCode)) ?? m.satisfies[0] ?? null;
}

/**
 * How the bundle material is shown to the applicant: upload rules and whether it is required (a
 * material is required when one of the member materials it satisfies for an applying member is).
 */
export function asGuideMaterial(m: BundleMaterial, applying: Set<string>, guides: MemberGuides): GuideMaterial {
  const targets = m.satisfies
    .filter((s) => applying.has(s.taskCode))
    .map((s) => guides.get(s.taskCode)?.materials.find((x) => x.name === s.material));
  const known = targets.filter((x): x is GuideMaterial => !!x);
  const first = known[0];
  const required = known.length < targets.length || known.some((x) => x.required);
  const sizes = known.map((x) => x.maxSizeMb).filter((x): x is number => typeof x === 'number');
  return {
    name: m.name,
    type: first?.type ?? 'electronic',
    required,
    copies: 1,
    fulfilment: m.fulfilment === 'RESULT' ? 'UPLOAD' : m.fulfilment,
    format: first?.format ?? null,
    maxSizeMb: sizes.length ? Math.min(...sizes) : null,
    acceptanceStandard: first?.acceptanceStandard ?? null,
  };
}

/** What the applicant provided for one bundle material. */
export interface BundleMaterialValue {
  files: FileMeta[];
  commitment: boolean;
}

export interface BundleMaterialInput {
  name: string;
  fulfilment: 'UPLOAD' | 'COMMITMENT';
  fileIds?: string[];
  commitment?: boolean;
}

/** Materials as sent to POST /bundles/{code}/apply: each shown bundle material once. */
export function bundleMaterialsInput(
  shown: BundleMaterial[],
  values: Record<string, BundleMaterialValue>,
): BundleMaterialInput[] {
  const out: BundleMaterialInput[] = [];
  for (const m of shown) {
    if (m.fulfilment === 'RESULT') continue;
    const v = values[m.name];
    if (!v) continue;
    if (m.fulfilment === 'COMMITMENT' && v.commitment)
      out.push({ name: m.name, fulfilment: 'COMMITMENT', commitment: true });
    else if (v.files.length) out.push({ name: m.name, fulfilment: 'UPLOAD', fileIds: v.files.map((f) => f.id) });
  }
  return out;
}
