/** Geometries and source-shard subsets for the erasure property tests. */

/** Every geometry the store can be configured with: k ≥ 1, m ≥ 0, k + m ≤ 16. */
export function allGeometries(): [number, number][] {
  const geometries: [number, number][] = [];
  for (let n = 1; n <= 16; n++) for (let m = 0; m < n; m++) geometries.push([n - m, m]);
  return geometries;
}

/** Up to 8 shards every k-subset; above that, a seeded random sample plus the extremes. */
export function sourceSubsets(k: number, m: number, sample = 150): number[][] {
  const n = k + m;
  if (n <= 8) return combinations(n, k);
  const seen = new Set<string>();
  const subsets: number[][] = [];
  const add = (subset: number[]) => {
    const key = subset.join(',');
    if (!seen.has(key)) (seen.add(key), subsets.push(subset));
  };
  add(range(k));
  add(range(k).map((i) => i + m));
  let seed = n * 131 + k;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 65536) / 65536;
  for (let i = 0; i < sample; i++) {
    const pool = range(n);
    for (let j = n - 1; j > 0; j--) {
      const r = Math.floor(random() * (j + 1));
      [pool[j], pool[r]] = [pool[r], pool[j]];
    }
    add(pool.slice(0, k).sort((a, b) => a - b));
  }
  return subsets;
}

function combinations(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  const withLast = combinations(n - 1, k - 1).map((c) => [...c, n - 1]);
  return [...combinations(n - 1, k), ...withLast];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
