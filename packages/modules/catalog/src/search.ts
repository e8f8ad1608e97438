import { type RawBuilder, sql } from 'kysely';
import { pinyin } from 'pinyin-pro';

/**
 * The text a LIKE search runs over: the name, its full pinyin (joined, and space-separated),
 * its pinyin initials, the department and the themes, lower-cased. So 食品经营许可 is found by
 * '食品', 'shipin', 'spjy' or 'spdj'-style initials of any part of the name.
 */
export function buildSearchText(name: string, departmentName: string, themes: string[]): string {
  const full = pinyin(name, { toneType: 'none', type: 'array' });
  const initials = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' });
  return [name, full.join(''), full.join(' '), initials.join(''), departmentName, ...themes].join(' | ').toLowerCase();
}

/** A LIKE pattern matching `q` anywhere, with LIKE's own characters escaped. */
export function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The words of a search, lower-cased: split at spaces (ASCII or full-width), at most 8. Every word
 * must match, so "食品 许可" finds 食品经营许可 as "食品许可" would not.
 */
export function searchTerms(q: string): string[] {
  return [
    ...new Set(
      q
        .toLowerCase()
        .split(/[\s\u3000]+/)
        .filter(Boolean),
    ),
  ].slice(0, 8);
}

/** SQL: `column` contains every word of `q` (LIKE, escaped). */
export function matchesAllTerms(column: string, q: string): RawBuilder<boolean> {
  const terms = searchTerms(q);
  if (!terms.length) return sql<boolean>`true`;
  return sql<boolean>`(${sql.join(
    terms.map((t) => sql`${sql.ref(column)} like ${containsPattern(t)} escape '\\'`),
    sql` and `,
  )})`;
}
