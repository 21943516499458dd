/** Seeded PRNG for reproducible random test data (mulberry32). Test-only; not exported. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integers uniform in [lo, hi]. */
export function randomInts(rand: () => number, count: number, lo: number, hi: number): number[] {
  return Array.from({ length: count }, () => lo + Math.floor(rand() * (hi - lo + 1)));
}

/** Poisson(mu) by Knuth's method (small means). */
export function poisson(rand: () => number, mu: number): number {
  const l = Math.exp(-mu);
  let k = 0;
  let p = rand();
  while (p > l) {
    k++;
    p *= rand();
  }
  return k;
}
