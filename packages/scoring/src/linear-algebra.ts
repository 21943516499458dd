/** The little dense linear algebra key-driver analysis needs (k ≤ 12, so clarity over speed). */

export type Matrix = number[][];

/**
 * Cholesky factor L (lower, A = L·Lᵀ) of a symmetric matrix, or null when a pivot falls to
 * `minPivot` or below. On a correlation matrix the j-th pivot is 1 − R² of variable j on the ones
 * before it, so `minPivot` is a direct collinearity threshold.
 */
export function cholesky(a: Matrix, minPivot: number): Matrix | null {
  const n = a.length;
  const l: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const lj = l[j]!;
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= lj[k]! * lj[k]!;
    if (!(d > minPivot)) return null;
    const djj = Math.sqrt(d);
    lj[j] = djj;
    for (let i = j + 1; i < n; i++) {
      const li = l[i]!;
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= li[k]! * lj[k]!;
      li[j] = s / djj;
    }
  }
  return l;
}

/** Solves (L·Lᵀ)·x = b given the Cholesky factor L. */
export function choleskySolve(l: Matrix, b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
