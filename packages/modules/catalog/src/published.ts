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
import { latestPublishedItem } from './repository.ts';
import type { CatalogItem } from './types.ts';

export const PUBLISHED_TTL_MS = 5_000;
export const ITEMS_CHANGED = 'catalog.items.changed';
const MAX_ENTRIES = 5_000;

interface Cache {
  gen: number;
  items: Map<string, { item: CatalogItem; at: number }>;
}
const caches = new WeakMap<object, Cache>();

function cacheOf(db: Db | Tx): Cache {
  let c = caches.get(db);
  if (!c) {
    c = { gen: 0, items: new Map() };
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

/** Drops cached items of `db` (all of them without `taskCodes`). */
export function forgetPublishedItems(db: Db, taskCodes?: readonly string[]): void {
  const c = cacheOf(db);
  c.gen++;
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
