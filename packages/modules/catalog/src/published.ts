/**
 * A per-process cache of the latest published version of each item, for hot paths that read an
 * item on every request (case application). Published versions never change in place: a change
 * publishes a new version or cancels the item. So an entry can only become stale, never wrong
 * about what the version says. An entry is dropped:
 *
 * - in this process, right after the transaction that published or cancelled commits
 *   (`itemsChanged`), and
 * - in every other process, when the `catalog.items.changed` event arrives over the platform bus
 *   (NATS when configured), and
 * - at the latest after `PUBLISHED_TTL_MS` (a backstop for a missed event).
 *
 * A read that started before an invalidation is not stored (generation check), so a slow read of
 * the old version cannot refill the cache after the change. Unknown task codes are not cached.
 */
import type { Db, Platform, Tx } from '@yiwang/platform';
import { allPublishedSummaries, type ItemFilter, latestPublishedItem, type SearchableSummary } from './repository.ts';
import { searchTerms } from './search.ts';
import type { CatalogItem, ItemSummary } from './types.ts';

export const PUBLISHED_TTL_MS = 5_000;
export const ITEMS_CHANGED = 'catalog.items.changed';
const MAX_ENTRIES = 5_000;

interface Cache {
  gen: number;
  items: Map<string, { item: CatalogItem; at: number }>;
  /** Every published summary in search order (null: too many to keep, search in SQL). */
  list: { at: number; summaries: Promise<readonly SearchableSummary[] | null> } | null;
}
/** A catalog larger than this is searched in SQL on every request. */
export const SEARCH_LIST_MAX = 20_000;
const caches = new WeakMap<object, Cache>();

function cacheOf(db: Db | Tx): Cache {
  let c = caches.get(db);
  if (!c) {
    c = { gen: 0, items: new Map(), list: null };
    caches.set(db, c);
  }
  return c;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * The newest published version of an item, from the cache when it is fresh (frozen: callers must
 * not change it). Reads through `latestPublishedItem` otherwise.
 */
export async function publishedItem(db: Db, taskCode: string): Promise<CatalogItem | null> {
  const c = cacheOf(db);
  const hit = c.items.get(taskCode);
  const now = Date.now();
  if (hit && now - hit.at < PUBLISHED_TTL_MS) return hit.item;
  const gen = c.gen;
  const item = await latestPublishedItem(db, taskCode);
  if (!item) {
    c.items.delete(taskCode);
    return null;
  }
  if (c.gen === gen) {
    if (c.items.size >= MAX_ENTRIES) c.items.clear();
    c.items.set(taskCode, { item: deepFreeze(item), at: now });
  }
  return item;
}

/**
 * The portal's search (`GET /catalog/items`) over the per-process list of published summaries:
 * the same filters and order as the SQL search (`searchItems` in repository.ts), kept and dropped
 * like the items above. Answers null when the catalog is too large to keep (search in SQL).
 */
export async function searchPublished(db: Db, f: ItemFilter): Promise<{ items: ItemSummary[]; total: number } | null> {
  const c = cacheOf(db);
  const now = Date.now();
  if (!c.list || now - c.list.at >= PUBLISHED_TTL_MS) {
    // An invalidation while this read runs drops the entry (forgetPublishedItems), so a read of the
    // old state is never kept; a failed read is not kept either.
    const entry = { at: now, summaries: allPublishedSummaries(db, SEARCH_LIST_MAX).then((xs) => xs && deepFreeze(xs)) };
    c.list = entry;
    entry.summaries.catch(() => {
      if (c.list === entry) c.list = null;
    });
  }
  const all = await c.list.summaries;
  if (!all) return null;
  const terms = searchTerms(f.q ?? '');
  const hits = all.filter(
    (s) =>
      terms.every((t) => s.searchText.includes(t)) &&
      (!f.departmentId || s.departmentId === f.departmentId) &&
      (!f.theme || s.themes.includes(f.theme)) &&
      (!f.serviceObject || s.serviceObject.includes(f.serviceObject)),
  );
  const start = (f.page - 1) * f.pageSize;
  return {
    items: hits.slice(start, start + f.pageSize).map(({ searchText: _t, serviceObject: _o, ...summary }) => summary),
    total: hits.length,
  };
}

/** Drops cached items of `db` (all of them without `taskCodes`), and the search list. */
export function forgetPublishedItems(db: Db, taskCodes?: readonly string[]): void {
  const c = cacheOf(db);
  c.gen++;
  c.list = null;
  if (!taskCodes) c.items.clear();
  else for (const t of taskCodes) c.items.delete(t);
}

/**
 * Call after the transaction that published a version or cancelled an item has committed: drops
 * the entries here at once and tells the other processes (their catalog routes subscribe).
 */
export async function itemsChanged(p: Platform, taskCodes?: readonly string[]): Promise<void> {
  forgetPublishedItems(p.db, taskCodes);
  // The change has committed: a bus failure must not turn it into an error (the TTL bounds staleness).
  await p.bus.publish(ITEMS_CHANGED, { taskCodes: taskCodes ?? null }).catch(() => {});
}

/** Subscribes the process to `catalog.items.changed` (from the catalog routes, once per platform). */
export function followItemChanges(p: Platform): void {
  p.bus.subscribe(ITEMS_CHANGED, (e) => {
    const codes = (e.payload as { taskCodes?: string[] | null } | null)?.taskCodes;
    forgetPublishedItems(p.db, Array.isArray(codes) ? codes : undefined);
  });
}
