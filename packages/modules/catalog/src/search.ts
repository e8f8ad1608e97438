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
