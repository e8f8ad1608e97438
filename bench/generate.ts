/**
 * Synthetic grid generator for the benchmark: a SIDE × SIDE lattice of small square grids
 * (GeoJSON polygons, WGS84) over lng 113.0–113.3, lat 22.9–23.2, inserted directly with
 * Kysely in batches. Codes are `<12-digit community code><3-digit sequence>` using the
 * seeded communities (divisions with level 'village'), skipping sequences already taken.
 */
import type { Db } from '@yiwang/platform';

export const LATTICE = {
  side: 100,
  minLng: 113.0,
  minLat: 22.9,
  /** Cell pitch in degrees (0.3° / 100 ≈ 330 m). */
  step: 0.003,
  /** Side of each square; the rest of the pitch is a gap between neighbours. */
  size: 0.0028,
} as const;

/** Marks generated rows so a second run can tell they are there already. */
export const BENCH_NAME_PREFIX = '基准网格';

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function square(minLng: number, minLat: number, size: number) {
  const [a, b, c, d] = [round6(minLng), round6(minLat), round6(minLng + size), round6(minLat + size)];
  return {
    polygon: {
      type: 'Polygon',
      coordinates: [
        [
          [a, b],
          [c, b],
          [c, d],
          [a, d],
          [a, b],
        ],
      ],
    },
    bbox: { min_lng: a, min_lat: b, max_lng: c, max_lat: d },
  };
}

/** Deterministic PRNG (mulberry32) so every run asks for the same points. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` points, each well inside one lattice square (never on an edge or in a gap). */
export function pointsInsideLattice(count: number, seed = 42): { lng: number; lat: number }[] {
  const rnd = prng(seed);
  const { side, minLng, minLat, step, size } = LATTICE;
  const out: { lng: number; lat: number }[] = [];
  for (let i = 0; i < count; i++) {
    const col = Math.floor(rnd() * side);
    const row = Math.floor(rnd() * side);
    // within the middle 60% of the square
    const lng = minLng + col * step + size * (0.2 + 0.6 * rnd());
    const lat = minLat + row * step + size * (0.2 + 0.6 * rnd());
    out.push({ lng: round6(lng), lat: round6(lat) });
  }
  return out;
}

/**
 * Inserts the lattice (LATTICE.side² grids) unless it is there already. Returns how many
 * generated grids the database holds afterwards and how long the insert took.
 */
export async function generateGrids(db: Db): Promise<{ inserted: number; total: number; ms: number }> {
  const started = performance.now();
  const target = LATTICE.side * LATTICE.side;
  const existing = await db
    .selectFrom('grids')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('name', 'like', `${BENCH_NAME_PREFIX}%`)
    .executeTakeFirstOrThrow();
  if (Number(existing.n) >= target) return { inserted: 0, total: Number(existing.n), ms: 0 };
  if (Number(existing.n) > 0) await db.deleteFrom('grids').where('name', 'like', `${BENCH_NAME_PREFIX}%`).execute();

  const communities = (
    await db.selectFrom('divisions').select('code').where('level', '=', 'village').orderBy('code').execute()
  ).map((r) => r.code as string);
  if (communities.length === 0) throw new Error('no community (village-level) divisions: seed the demo city first');
  if (communities.length * 999 < target)
    throw new Error(`${communities.length} communities cannot hold ${target} grids`);

  const taken = new Set((await db.selectFrom('grids').select('code').execute()).map((r) => r.code as string));
  const nextSeq = new Map<string, number>(communities.map((c) => [c, 1]));

  const rows: Record<string, unknown>[] = [];
  const { side, minLng, minLat, step, size } = LATTICE;
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const n = row * side + col;
      const community = communities[n % communities.length]!;
      let seq = nextSeq.get(community)!;
      // bounded: at most 999 sequences per community
      while (seq <= 999 && taken.has(`${community}${String(seq).padStart(3, '0')}`)) seq++;
      if (seq > 999) throw new Error(`community ${community} has no free grid sequence left`);
      nextSeq.set(community, seq + 1);
      const code = `${community}${String(seq).padStart(3, '0')}`;
      taken.add(code);
      const { polygon, bbox } = square(minLng + col * step, minLat + row * step, size);
      rows.push({
        code,
        name: `${BENCH_NAME_PREFIX} ${row}-${col}`,
        division_code: community,
        polygon: JSON.stringify(polygon),
        ...bbox,
        worker_staff_id: null,
      });
    }
  }

  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insertInto('grids')
        .values(rows.slice(i, i + 500))
        .execute();
    }
  });
  return { inserted: rows.length, total: rows.length, ms: Math.round(performance.now() - started) };
}
