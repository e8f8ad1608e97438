import type { GeoPolygon } from './repository.ts';

/** A closed GeoJSON Polygon in WGS84 (lng, lat): rings of at least four positions, first = last. */
export function validPolygon(v: unknown): v is GeoPolygon {
  if (!v || typeof v !== 'object') return false;
  const p = v as any;
  if (p.type !== 'Polygon' || !Array.isArray(p.coordinates) || p.coordinates.length === 0) return false;
  for (const ring of p.coordinates) {
    if (!Array.isArray(ring) || ring.length < 4) return false;
    for (const pos of ring) {
      if (!Array.isArray(pos) || pos.length < 2) return false;
      const [lng, lat] = pos;
      if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat))
        return false;
      if (lng < -180 || lng > 180 || lat < -90 || lat > 90) return false;
    }
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) return false;
    const distinct = new Set(ring.map((pos: number[]) => `${pos[0]},${pos[1]}`));
    if (distinct.size < 3) return false;
  }
  return true;
}

/** Keeps only lng/lat of every position (drops altitude and any extra members). */
export function normalizePolygon(p: GeoPolygon): GeoPolygon {
  return { type: 'Polygon', coordinates: p.coordinates.map((ring) => ring.map(([lng, lat]) => [lng, lat])) };
}

export function rectangle(minLng: number, minLat: number, maxLng: number, maxLat: number): GeoPolygon {
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  const [a, b, c, d] = [r(minLng), r(minLat), r(maxLng), r(maxLat)];
  return {
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
  };
}
