/**
 * Mulberry32: a small, fast, seeded pseudo-random generator (uniform in [0, 1)). The same seed
 * gives the same sequence, so generated load, demo data and test data are reproducible. Not for
 * anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson(mu) draw by Knuth's multiplication method, for small means (simulated traffic). */
export function poissonSample(rand: () => number, mu: number): number {
  const limit = Math.exp(-mu);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}
