import { sql } from 'kysely';
import type { Db, Tx } from './db.ts';
import type { Migrations } from './migrate.ts';

const DAY_MS = 86_400_000;

/**
 * Working-day calendar: statutory holidays and make-up workdays (调休) are data, loaded per
 * year; every other Monday–Friday is a working day. Deadlines of cases (行政许可法 §32, §42)
 * and of hotline work orders count in working days, with paused intervals (suspension,
 * special procedures) left out.
 */
export const calendarMigrations: Migrations = {
  '0005_platform_calendar': {
    async up(db) {
      await sql`
        create table calendar_days (
          day date primary key,
          kind text not null check (kind in ('holiday', 'workday')),
          name text not null
        );
      `.execute(db);
    },
  },
  '0006_platform_calendar_2026': {
    async up(db) {
      await db.insertInto('calendar_days').values(CALENDAR_2026).execute();
    },
  },
};

export type DayKind = 'holiday' | 'workday';
export interface CalendarDay {
  day: string; // YYYY-MM-DD
  kind: DayKind;
  name: string;
}

/**
 * 2026 arrangement of the State Council General Office (国务院办公厅关于2026年部分节假日安排的通知),
 * recalled, not yet checked against the published notice [R]: kept as data, replaceable
 * through the calendar API.
 */
export const CALENDAR_2026: CalendarDay[] = [
  ...range('2026-01-01', '2026-01-03', 'holiday', '元旦'),
  { day: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
  { day: '2026-02-14', kind: 'workday', name: '春节调休上班' },
  ...range('2026-02-15', '2026-02-23', 'holiday', '春节'),
  { day: '2026-02-28', kind: 'workday', name: '春节调休上班' },
  ...range('2026-04-04', '2026-04-06', 'holiday', '清明节'),
  ...range('2026-05-01', '2026-05-05', 'holiday', '劳动节'),
  { day: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
  ...range('2026-06-19', '2026-06-21', 'holiday', '端午节'),
  { day: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  ...range('2026-09-25', '2026-09-27', 'holiday', '中秋节'),
  ...range('2026-10-01', '2026-10-07', 'holiday', '国庆节'),
  { day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
];

function range(from: string, to: string, kind: DayKind, name: string): CalendarDay[] {
  const out: CalendarDay[] = [];
  for (let d = parseDay(from); d <= parseDay(to); d = addDays(d, 1)) out.push({ day: formatDay(d), kind, name });
  return out;
}

/** Days are calendar dates in China Standard Time, handled as UTC midnights. */
export function parseDay(s: string): Date {
  return new Date(`${s}T00:00:00Z`);
}
export function formatDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * DAY_MS);
}
/** The China-time calendar date of an instant. */
export const dayOf = (instant: Date) => formatDay(new Date(instant.getTime() + 8 * 3600_000));

export interface Pause {
  from: string; // first paused day
  to: string | null; // last paused day; null = still paused
}

/** An in-memory view of the calendar for date arithmetic. */
export class WorkCalendar {
  private readonly special = new Map<string, DayKind>();
  constructor(days: CalendarDay[]) {
    for (const d of days) this.special.set(d.day, d.kind);
  }

  isWorkingDay(day: string): boolean {
    const s = this.special.get(day);
    if (s) return s === 'workday';
    const wd = parseDay(day).getUTCDay();
    return wd !== 0 && wd !== 6;
  }

  private paused(day: string, pauses: Pause[]): boolean {
    return pauses.some((p) => day >= p.from && (p.to === null || day <= p.to));
  }

  /**
   * The date on which a limit of `n` working days counted from `start` ends: counting begins
   * the day after `start` (the day of receipt is not counted), skipping holidays, weekends
   * that are not make-up workdays, and paused days.
   */
  addWorkingDays(start: string, n: number, pauses: Pause[] = []): string {
    if (n < 0 || !Number.isInteger(n)) throw new RangeError('n must be a non-negative integer');
    let d = parseDay(start);
    let left = n;
    for (let guard = 0; left > 0; guard++) {
      if (guard > 3660) throw new RangeError('deadline beyond ten years (open pause?)');
      d = addDays(d, 1);
      const day = formatDay(d);
      if (this.isWorkingDay(day) && !this.paused(day, pauses)) left--;
    }
    return formatDay(d);
  }

  /** Working days elapsed after `start` up to and including `end`, paused days excluded. */
  workingDaysBetween(start: string, end: string, pauses: Pause[] = []): number {
    let n = 0;
    for (let d = addDays(parseDay(start), 1); d <= parseDay(end); d = addDays(d, 1)) {
      const day = formatDay(d);
      if (this.isWorkingDay(day) && !this.paused(day, pauses)) n++;
    }
    return n;
  }
}

export async function loadCalendar(db: Db | Tx): Promise<WorkCalendar> {
  const rows = await db
    .selectFrom('calendar_days')
    .select([sql<string>`day::text`.as('day'), 'kind', 'name'])
    .execute();
  return new WorkCalendar(rows as CalendarDay[]);
}

let shown = new WeakMap<object, { at: number; cal: Promise<WorkCalendar> }>();
/** Makes every `displayCalendar` of this process read again (call it after a change has committed). */
export function forgetDisplayCalendars(): void {
  shown = new WeakMap();
}
/** How long `displayCalendar` keeps a calendar (a change made in another process shows after this). */
export const DISPLAY_CALENDAR_MS = 5_000;

/**
 * The calendar for display only (the deadline colours of a list): read at most every
 * DISPLAY_CALENDAR_MS per process, at once again after a change made in this process. Deadlines,
 * acceptance and every other rule read the calendar itself with `loadCalendar`.
 */
export function displayCalendar(db: Db): Promise<WorkCalendar> {
  const hit = shown.get(db);
  if (hit && Date.now() - hit.at < DISPLAY_CALENDAR_MS) return hit.cal;
  const cal = loadCalendar(db);
  const entries = shown;
  entries.set(db, { at: Date.now(), cal });
  cal.catch(() => entries.delete(db));
  return cal;
}

/** Replaces one year's special days (the whole year at once, so a year is always consistent). */
export async function replaceCalendarYear(tx: Tx, year: number, days: CalendarDay[]): Promise<void> {
  for (const d of days) {
    if (!d.day.startsWith(`${year}-`)) throw new RangeError(`${d.day} is not in ${year}`);
  }
  await tx
    .deleteFrom('calendar_days')
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .execute();
  if (days.length) await tx.insertInto('calendar_days').values(days).execute();
}
