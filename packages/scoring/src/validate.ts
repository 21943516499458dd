import { PulseError } from "@pulse/kit";

/**
 * Sufficient statistics that break their own invariants (a negative count, promoters + passives +
 * detractors ≠ n) mean a bug upstream, not an expected outcome: we refuse to compute a score from them.
 */
export class InvalidStatsError extends PulseError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("scoring_invalid_stats", message, details ? { details } : {});
  }
}

export function assertCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new InvalidStatsError(`${name} must be a non-negative integer, got ${v}`, { [name]: v });
}

export function assertFinite(name: string, v: number): void {
  if (!Number.isFinite(v))
    throw new InvalidStatsError(`${name} must be a finite number, got ${v}`, { [name]: v });
}

export function assertNonNegative(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0)
    throw new InvalidStatsError(`${name} must be a finite number ≥ 0, got ${v}`, { [name]: v });
}
