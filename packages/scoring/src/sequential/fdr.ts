/**
 * False discovery rate across the monitors of one tenant, per evaluation.
 *
 * - Benjamini–Hochberg (1995) on p-values: sort p_(1) ≤ … ≤ p_(m); reject the k* smallest, where
 *   k* = max{k : p_(k) ≤ q·k/m}. FDR ≤ q under independence or positive dependence (PRDS).
 * - e-BH (Wang & Ramdas 2022) on e-values: sort e_(1) ≥ … ≥ e_(m); reject the k* largest, where
 *   k* = max{k : e_(k) ≥ m/(q·k)}. FDR ≤ q under any dependence.
 * Both return one boolean per input, in input order.
 */
import { InvalidParameterError } from "../parameters";

function checkQ(q: number): void {
  if (!(q > 0 && q < 1)) throw new InvalidParameterError("q", "must be in (0, 1)", q);
}

export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  checkQ(q);
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  let kStar = 0;
  order.forEach(([p], idx) => {
    if (p <= (q * (idx + 1)) / m) kStar = idx + 1;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let i = 0; i < kStar; i++) out[order[i]![1]] = true;
  return out;
}

export function eBenjaminiHochberg(eValues: readonly number[], q: number): boolean[] {
  checkQ(q);
  const m = eValues.length;
  const order = eValues.map((e, i) => [e, i] as const).sort((a, b) => b[0] - a[0]);
  let kStar = 0;
  order.forEach(([e], idx) => {
    if (e >= m / (q * (idx + 1))) kStar = idx + 1;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let i = 0; i < kStar; i++) out[order[i]![1]] = true;
  return out;
}
