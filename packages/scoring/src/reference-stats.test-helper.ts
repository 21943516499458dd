/** Independent reference implementations for tests: raw data, no correlation matrices. Test-only. */

export function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
export function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}
export function pearson(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** OLS with intercept by modified Gram–Schmidt QR on the centred columns: R² and raw slopes. */
export function bruteForceOls(y: number[], xs: number[][]): { r2: number; beta: number[] } {
  const yc = y.map((v) => v - mean(y));
  const q = xs.map((c) => c.map((v) => v - mean(c)));
  const k = q.length;
  const r: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      const rij = q[i]!.reduce((s, v, t) => s + v * q[j]![t]!, 0);
      r[i]![j] = rij;
      q[j] = q[j]!.map((v, t) => v - rij * q[i]![t]!);
    }
    const norm = Math.sqrt(q[j]!.reduce((s, v) => s + v * v, 0));
    r[j]![j] = norm;
    q[j] = q[j]!.map((v) => v / norm);
  }
  const qty = q.map((col) => col.reduce((s, v, t) => s + v * yc[t]!, 0));
  const beta = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = qty[i]!;
    for (let j = i + 1; j < k; j++) s -= r[i]![j]! * beta[j]!;
    beta[i] = s / r[i]![i]!;
  }
  const explained = qty.reduce((s, v) => s + v * v, 0);
  return { r2: explained / yc.reduce((s, v) => s + v * v, 0), beta };
}

/** Shapley values as the average marginal R² gain over all k! orderings. */
export function shapleyByPermutations(k: number, value: (subset: number[]) => number): number[] {
  const cache = new Map<string, number>();
  const v = (s: number[]): number => {
    if (s.length === 0) return 0;
    const key = [...s].sort().join(",");
    if (!cache.has(key)) cache.set(key, value(s));
    return cache.get(key)!;
  };
  const out = new Array<number>(k).fill(0);
  let count = 0;
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      count++;
      prefix.forEach((j, i) => (out[j]! += v(prefix.slice(0, i + 1)) - v(prefix.slice(0, i))));
      return;
    }
    rest.forEach((j, i) => permute([...prefix, j], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute(
    [],
    Array.from({ length: k }, (_, i) => i),
  );
  return out.map((s) => s / count);
}
