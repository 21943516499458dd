/**
 * Drivers on operational data: how much what happened to a customer before they answered (waited
 * more than 5 minutes, abandoned a call, was transferred, contacted us again, has an open
 * complaint) moves their score, holding the other drivers fixed.
 *
 * One row per respondent: the outcome coded so its mean is the score (NPS answer → +100 promoter,
 * 0 passive, −100 detractor, so mean = NPS; CSAT → 1 for 4–5 else 0, so mean = top-2 share) and the
 * drivers (booleans as 0/1, or numbers). Complete cases only. Multiple linear regression (a linear
 * probability model for CSAT) gives each driver's effect in score units — for a boolean driver,
 * the difference in NPS points between customers with and without it, the others held fixed —
 * with HC3 robust standard errors by default (the outcome takes 2–3 values, so its variance
 * depends on the drivers and classical SEs would be wrong), t-tests on n − p degrees of freedom,
 * and relative importance as the LMG (Shapley) share of R² from key-drivers.ts.
 *
 * This measures association, not causation: a driver correlated with something left out (the
 * reason for the call, the customer's tenure) carries part of that omitted effect.
 */
import { err, ok, type Result } from "@pulse/kit";
import { SIGNIFICANCE_LEVEL } from "./compare";
import { keyDrivers, MAX_KEY_DRIVERS } from "./key-drivers";
import { dot } from "./linear-algebra";
import { olsFit, type SeType } from "./ols-regression";
import { tQuantile, tTwoSidedP } from "./student-t";
import type { Interval } from "./types";
import { InvalidStatsError } from "./validate";

export type OperationalDriverRow = {
  /** The coded outcome (npsOutcome / csatTop2Outcome); null = no answer. */
  score: number | null;
  /** Driver values by name: boolean (as 0/1) or a finite number; null or missing = unknown. */
  drivers: Readonly<Record<string, number | boolean | null | undefined>>;
};

export type OperationalDriverOptions = {
  /** Drivers to use, in this order (collinearity is resolved in favour of earlier ones); default all keys, sorted. */
  drivers?: readonly string[];
  /** Default "hc3". */
  se?: SeType;
};

export type Coefficient = {
  /** Change in the score per unit of the driver (0 → 1 for a boolean), others held fixed. */
  coefficient: number;
  /** HC3 or classical; null only if the intercept itself rests on a leverage-1 row (then ci95 is null too). */
  se: number | null;
  /** coefficient ± t_{0.975, df}·se. */
  ci95: Interval | null;
  /** t = coefficient / se; null when se = 0. */
  statistic: number | null;
  /** Two-sided p from t with df = n − p; null when se = 0. */
  pValue: number | null;
  significant: boolean;
};

export type DriverEffect = Coefficient & {
  driver: string;
  /** LMG share of R² (Σ = 1 over the drivers); null when it cannot be computed (see importanceNote). */
  importance: number | null;
  /** LMG contribution to R² (Σ = r2); null with importance. */
  rawWeight: number | null;
  /** Standardized coefficient: coefficient · sd(driver) / sd(score). */
  beta: number;
  /** Pearson correlation of driver and score. */
  correlation: number;
  /** Mean of the driver: for a boolean, the share of respondents it happened to. */
  mean: number;
  n: number;
};

export type DroppedDriver = {
  driver: string;
  reason: "constant" | "collinear" | "leverage_one";
  message: string;
};

export type OperationalDriversAnalysis = {
  /** Complete cases used. */
  n: number;
  /** Rows left out because the score or a driver was missing. */
  excludedRows: number;
  /** Residual degrees of freedom n − p (p = drivers kept + 1). */
  df: number;
  r2: number;
  adjustedR2: number;
  seType: SeType;
  /** The expected score with every driver at 0. */
  intercept: Coefficient;
  /** Sorted by importance (then |t|, then name). */
  drivers: DriverEffect[];
  /** Drivers that could not be estimated, and why; the model is fitted without them. */
  dropped: DroppedDriver[];
  /** Why importance is null (more than MAX_KEY_DRIVERS drivers, or key-drivers refused); null when given. */
  importanceNote: string | null;
};

export type OperationalDriverError = {
  code: "no_drivers" | "too_few_rows" | "constant_outcome" | "no_usable_drivers";
  message: string;
};

/** NPS answer 0–10 → +100 promoter (9–10), 0 passive (7–8), −100 detractor (0–6): its mean is the NPS. */
export function npsOutcome(answer: number): number {
  if (!Number.isInteger(answer) || answer < 0 || answer > 10)
    throw new InvalidStatsError(`an NPS answer is an integer 0–10, got ${answer}`);
  return answer >= 9 ? 100 : answer >= 7 ? 0 : -100;
}

/** CSAT answer 1–5 → 1 when 4 or 5, else 0: its mean is the top-2 share. */
export function csatTop2Outcome(answer: number): number {
  if (!Number.isInteger(answer) || answer < 1 || answer > 5)
    throw new InvalidStatsError(`a CSAT answer is an integer 1–5, got ${answer}`);
  return answer >= 4 ? 1 : 0;
}

function coded(v: number | boolean | null | undefined): number | null {
  if (typeof v === "boolean") return v ? 1 : 0;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function coefficientOf(value: number, se: number | null, df: number): Coefficient {
  if (se === null)
    return {
      coefficient: value,
      se,
      ci95: null,
      statistic: null,
      pValue: null,
      significant: false,
    };
  if (!(se > 0))
    return {
      coefficient: value,
      se,
      ci95: [value, value],
      statistic: null,
      pValue: null,
      significant: false,
    };
  const statistic = value / se;
  const pValue = tTwoSidedP(statistic, df);
  const half = tQuantile(0.975, df) * se;
  return {
    coefficient: value,
    se,
    ci95: [value - half, value + half],
    statistic,
    pValue,
    significant: pValue < SIGNIFICANCE_LEVEL,
  };
}

/** Mean, sample SD and the centred values (for correlations by dot products). */
function describe(xs: readonly number[]): { mean: number; sd: number; centred: number[] } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const centred = xs.map((v) => v - mean);
  return { mean, sd: Math.sqrt(dot(centred, centred) / (xs.length - 1)), centred };
}

const DROP_MESSAGE: Record<DroppedDriver["reason"], string> = {
  constant: "the same value for every respondent: no effect can be estimated",
  collinear:
    "(nearly) a linear combination of the drivers before it: its effect cannot be told apart",
  leverage_one:
    "its variation rests on single respondents (leverage 1): no robust standard error exists",
};

export function operationalDrivers(
  rows: readonly OperationalDriverRow[],
  options: OperationalDriverOptions = {},
): Result<OperationalDriversAnalysis, OperationalDriverError> {
  const seType = options.se ?? "hc3";
  const names = options.drivers
    ? [...options.drivers]
    : [...new Set(rows.flatMap((r) => Object.keys(r.drivers)))].sort();
  if (names.length === 0) return err({ code: "no_drivers", message: "no drivers to analyse" });

  const y: number[] = [];
  const cols: number[][] = names.map(() => []);
  for (const row of rows) {
    const values = names.map((d) => coded(row.drivers[d]));
    if (
      typeof row.score !== "number" ||
      !Number.isFinite(row.score) ||
      values.some((v) => v === null)
    )
      continue;
    y.push(row.score);
    values.forEach((v, j) => cols[j]!.push(v!));
  }
  const n = y.length;
  if (n < names.length + 2)
    return err({
      code: "too_few_rows",
      message: `need at least ${names.length + 2} complete rows for ${names.length} drivers, got ${n}`,
    });
  const ys = describe(y);
  if (!(ys.sd > 0))
    return err({ code: "constant_outcome", message: "every respondent has the same score" });

  const dropped: DroppedDriver[] = [];
  const drop = (j: number, reason: DroppedDriver["reason"]) =>
    dropped.push({ driver: names[j]!, reason, message: DROP_MESSAGE[reason] });
  let candidates = names.map((_, j) => j);
  const fitCandidates = () => {
    const f = olsFit(
      y,
      candidates.map((j) => cols[j]!),
      seType,
    );
    f.constant.forEach((i) => drop(candidates[i]!, "constant"));
    f.collinear.forEach((i) => drop(candidates[i]!, "collinear"));
    return f;
  };
  let fit = fitCandidates();
  // HC3 only: drop drivers whose SE rests on a leverage-1 row and refit (each round removes ≥ 1).
  while (fit.leverageOne.length > 0) {
    fit.leverageOne.forEach((i) => drop(candidates[i]!, "leverage_one"));
    const gone = new Set(fit.leverageOne);
    candidates = fit.kept.filter((i) => !gone.has(i)).map((i) => candidates[i]!);
    fit = fitCandidates();
  }
  const kept = fit.kept.map((i) => candidates[i]!);
  if (kept.length === 0)
    return err({
      code: "no_usable_drivers",
      message: `no driver can be estimated: ${dropped.map((d) => `${d.driver} (${d.reason})`).join(", ")}`,
    });

  const keptNames = kept.map((j) => names[j]!);
  const lmg =
    kept.length <= MAX_KEY_DRIVERS
      ? keyDrivers(
          y.map((overall, i) => ({
            overall,
            drivers: Object.fromEntries(kept.map((j) => [names[j]!, cols[j]![i]!])),
          })),
          { drivers: keptNames },
        )
      : null;
  const importanceOf = new Map(lmg?.ok ? lmg.value.drivers.map((d) => [d.driver, d] as const) : []);
  const importanceNote =
    lmg === null
      ? `relative importance needs at most ${MAX_KEY_DRIVERS} drivers (got ${kept.length})`
      : lmg.ok
        ? null
        : lmg.error.message;

  const drivers = kept.map((j, a): DriverEffect => {
    const xs = describe(cols[j]!);
    const coefficient = fit.coefficients[a + 1]!;
    const lmgDriver = importanceOf.get(names[j]!);
    return {
      driver: names[j]!,
      ...coefficientOf(coefficient, fit.se[a + 1] ?? null, fit.df),
      importance: lmgDriver?.importance ?? null,
      rawWeight: lmgDriver?.rawWeight ?? null,
      beta: (coefficient * xs.sd) / ys.sd,
      correlation: dot(xs.centred, ys.centred) / ((n - 1) * xs.sd * ys.sd),
      mean: xs.mean,
      n,
    };
  });
  drivers.sort(
    (a, b) =>
      (b.importance ?? -1) - (a.importance ?? -1) ||
      Math.abs(b.statistic ?? 0) - Math.abs(a.statistic ?? 0) ||
      a.driver.localeCompare(b.driver),
  );
  const p = kept.length + 1;
  return ok({
    n,
    excludedRows: rows.length - n,
    df: fit.df,
    r2: fit.r2,
    adjustedR2: 1 - ((1 - fit.r2) * (n - 1)) / (n - p),
    seType,
    intercept: coefficientOf(fit.coefficients[0]!, fit.se[0] ?? null, fit.df),
    drivers,
    dropped,
    importanceNote,
  });
}
