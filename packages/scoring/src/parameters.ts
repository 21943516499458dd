import { PulseError } from "@pulse/kit";

/**
 * A parameter outside its rule (a window that is not a whole number of bins, a negative lateness,
 * an unknown direction). Unlike InvalidStatsError this can come from a caller's request, so it maps
 * to 400; `details` names the parameter and the rule.
 */
export class InvalidParameterError extends PulseError {
  constructor(parameter: string, rule: string, value: unknown) {
    super("scoring_invalid_parameter", `${parameter} ${rule}, got ${String(value)}`, {
      status: 400,
      details: { parameter, rule, value },
    });
  }
}

export function requirePositiveInteger(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0)
    throw new InvalidParameterError(name, "must be a positive integer", v);
  return v;
}

export function requireInteger(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw new InvalidParameterError(name, "must be an integer", v);
  return v;
}

export function requireNonNegativeInteger(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new InvalidParameterError(name, "must be an integer ≥ 0", v);
  return v;
}

export function requireFinite(name: string, v: number): number {
  if (!Number.isFinite(v)) throw new InvalidParameterError(name, "must be a finite number", v);
  return v;
}

export function requireNonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0)
    throw new InvalidParameterError(name, "must be a finite number ≥ 0", v);
  return v;
}

/** 0 < v < 1 (a level or a probability). */
export function requireOpenUnit(name: string, v: number): number {
  if (!(v > 0 && v < 1))
    throw new InvalidParameterError(name, "must be strictly between 0 and 1", v);
  return v;
}
