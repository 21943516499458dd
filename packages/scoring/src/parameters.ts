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

/** Integer parameters (epoch ms, durations, counts), by their lower bound. */
const INTEGER_RULES = {
  any: { min: -Infinity, rule: "must be an integer" },
  nonNegative: { min: 0, rule: "must be an integer ≥ 0" },
  positive: { min: 1, rule: "must be a positive integer" },
} as const;

export function requireInteger(
  name: string,
  v: number,
  kind: keyof typeof INTEGER_RULES = "any",
): number {
  const { min, rule } = INTEGER_RULES[kind];
  if (!Number.isSafeInteger(v) || v < min) throw new InvalidParameterError(name, rule, v);
  return v;
}
