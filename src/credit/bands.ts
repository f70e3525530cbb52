/**
 * The two shapes every scoring sub-rule is written in, so rules stay data:
 * numeric bands (first band whose bounds hold wins; a band with no bounds is the catch-all)
 * and tables (a categorical value looked up by key).
 */

export interface Bounds {
  /** value ≥ min */
  min?: number;
  /** value > above */
  above?: number;
  /** value ≤ max */
  max?: number;
  /** value < below */
  below?: number;
}

export interface Band extends Bounds {
  points: number;
}

export function withinBounds(bounds: Bounds, value: number): boolean {
  if (bounds.min !== undefined && !(value >= bounds.min)) return false;
  if (bounds.above !== undefined && !(value > bounds.above)) return false;
  if (bounds.max !== undefined && !(value <= bounds.max)) return false;
  if (bounds.below !== undefined && !(value < bounds.below)) return false;
  return true;
}

export function hasBounds(bounds: Bounds): boolean {
  return bounds.min !== undefined || bounds.above !== undefined || bounds.max !== undefined || bounds.below !== undefined;
}

/** Points of the first matching band; 0 when none matches (the schema requires a catch-all). */
export function bandPoints(bands: readonly Band[], value: number): number {
  for (const band of bands) if (withinBounds(band, value)) return band.points;
  return 0;
}

export function tablePoints(table: Readonly<Record<string, number>>, key: string): number {
  return Object.hasOwn(table, key) ? table[key]! : 0;
}
