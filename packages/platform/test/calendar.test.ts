import { describe, expect, it } from 'vitest';
import { CALENDAR_2026, dayOf, WorkCalendar } from '../src/calendar.ts';

const cal = new WorkCalendar(CALENDAR_2026);

describe('working-day calendar (2026 data)', () => {
  it('knows weekends, holidays and make-up workdays', () => {
    expect(cal.isWorkingDay('2026-11-23')).toBe(true); // Monday
    expect(cal.isWorkingDay('2026-11-22')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2026-10-01')).toBe(false); // 国庆节, Thursday
    expect(cal.isWorkingDay('2026-10-10')).toBe(true); // Saturday make-up workday
    expect(cal.isWorkingDay('2026-02-14')).toBe(true); // Saturday make-up workday before 春节
    expect(cal.isWorkingDay('2026-02-16')).toBe(false); // 春节, Monday
  });

  it('adds working days across weekends', () => {
    // Received Friday 2026-11-20: 5 working days → Friday 2026-11-27.
    expect(cal.addWorkingDays('2026-11-20', 5)).toBe('2026-11-27');
    expect(cal.addWorkingDays('2026-11-20', 0)).toBe('2026-11-20');
    expect(cal.workingDaysBetween('2026-11-20', '2026-11-27')).toBe(5);
  });

  it('skips the National Day holiday and counts the make-up Saturday', () => {
    // Received Wednesday 2026-09-30. Working days after: 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, make-up), 10-12 (Mon) …
    expect(cal.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkingDays('2026-09-30', 3)).toBe('2026-10-10');
    expect(cal.addWorkingDays('2026-09-30', 4)).toBe('2026-10-12');
    // Over 春节: received 2026-02-13 (Fri); 02-14 Sat is a make-up workday, then 02-15…02-23 holiday.
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
  });

  it('leaves paused days (suspension, special procedure) out of the count', () => {
    // 20 working days from Monday 2026-11-02 end on 2026-11-30; a suspension of 11-09…11-13 (5 working days) moves it to 12-07.
    expect(cal.addWorkingDays('2026-11-02', 20)).toBe('2026-11-30');
    expect(cal.addWorkingDays('2026-11-02', 20, [{ from: '2026-11-09', to: '2026-11-13' }])).toBe('2026-12-07');
    expect(cal.workingDaysBetween('2026-11-02', '2026-12-07', [{ from: '2026-11-09', to: '2026-11-13' }])).toBe(20);
    expect(() => cal.addWorkingDays('2026-11-02', 5, [{ from: '2026-11-03', to: null }])).toThrow(RangeError);
  });

  it('takes the calendar date in China time', () => {
    expect(dayOf(new Date('2026-11-22T17:00:00Z'))).toBe('2026-11-23');
    expect(dayOf(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
  });
});
