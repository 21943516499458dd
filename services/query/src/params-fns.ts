/**
 * Parsing of query-string parameters into validated query specs. Pure: the clock arrives as an
 * argument. Every rejection is a BadRequestError with a stable code and a message that names the
 * parameter and the rule, so the problem+json body says exactly what to fix.
 */
import { canonicalName } from "@pulse/contract";
import { BadRequestError } from "@pulse/kit";

/** API dimension name → rollup column. Only these column names ever reach SQL text. */
export const DIMENSIONS = {
  touchpoint: "touchpoint",
  channel: "channel",
  segment: "segment",
  journeyStage: "journey_stage",
} as const;
export type Dimension = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const WINDOWS = { "15m": 15 * MINUTE, "1h": HOUR, "24h": DAY, "7d": 7 * DAY } as const;
export type WindowName = keyof typeof WINDOWS;
export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];

export const GRAINS = { minute: MINUTE, hour: HOUR, day: DAY } as const;
export type Grain = keyof typeof GRAINS;
export const GRAIN_NAMES = Object.keys(GRAINS) as Grain[];

/** The grain a window's time series is drawn at when the caller asks for `grain=auto`. */
const AUTO_GRAIN_OF_WINDOW: Record<WindowName, Grain> = { "15m": "minute", "1h": "minute", "24h": "hour", "7d": "hour" };

/** Most buckets one time series may return (a week of minutes and two years of hours fit). */
export const MAX_POINTS = 20_000;

/** Slug rule of the event contract for dimension values: anything else cannot match a row. */
const VALUE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A half-open time range [from, to) in epoch milliseconds. */
export type TimeRange = { from: number; to: number };

export type Filters = Partial<Record<Dimension, string[]>>;

export type RawQuery = Record<string, unknown>;

export interface RangeOptions {
  now: number;
  retentionDays: number;
  /** Boundaries must fall on multiples of this many ms (the finest table that will answer). */
  unit: number;
  defaultWindow: WindowName;
}

/** A single string parameter; repeated keys (?a=1&a=2) are joined with commas. */
export function param(q: RawQuery, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(",") : typeof v === "string" ? v : JSON.stringify(v);
  return s.trim() === "" ? undefined : s.trim();
}

export function list(q: RawQuery, name: string): string[] {
  const s = param(q, name);
  if (s === undefined) return [];
  return [...new Set(s.split(",").map((x) => x.trim()).filter((x) => x.length > 0))];
}

/** Rejects parameters the route does not know (a typo like `groupby` must not be ignored silently). */
export function assertKnownParams(q: RawQuery, allowed: readonly string[]): void {
  const unknown = Object.keys(q).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new BadRequestError("unknown_parameter", `unknown query parameter ${unknown.map((u) => `'${u}'`).join(", ")}; this endpoint accepts ${allowed.join(", ")}`, {
      parameter: unknown[0],
    });
  }
}

export function parseGroupBy(q: RawQuery, name = "groupBy"): Dimension[] {
  const values = list(q, name);
  for (const v of values) {
    if (!(DIMENSION_NAMES as string[]).includes(v)) {
      throw new BadRequestError("unknown_group_by", `${name} '${v}' is not a dimension; use any of ${DIMENSION_NAMES.join(", ")}`, { parameter: name, value: v });
    }
  }
  return values as Dimension[];
}

export function parseFilters(q: RawQuery): Filters {
  const filters: Filters = {};
  for (const d of DIMENSION_NAMES) {
    const values = list(q, d);
    if (values.length === 0) continue;
    for (const v of values) {
      if (!VALUE_PATTERN.test(v)) {
        throw new BadRequestError("invalid_filter", `${d} filter '${v}' must be 1–64 characters of a–z, 0–9, '.', '_' or '-'`, { parameter: d, value: v });
      }
    }
    // Stored values are canonical (the worker applies the contract's canonicalName): a filter is
    // matched in the same form, so `touchpoint=front-desk` finds what was sent as `front-desk`.
    filters[d] = [...new Set(values.map(canonicalName))];
  }
  return filters;
}

export function parseEnum<T extends string>(q: RawQuery, name: string, allowed: readonly T[], fallback: T, code: string): T {
  const v = param(q, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BadRequestError(code, `${name} '${v}' is unknown; use one of ${allowed.join(", ")}`, { parameter: name, value: v });
  }
  return v as T;
}

export function parseWindow(q: RawQuery, name = "window"): WindowName | undefined {
  const v = param(q, name);
  if (v === undefined) return undefined;
  if (!(WINDOW_NAMES as string[]).includes(v)) {
    throw new BadRequestError("unknown_window", `${name} '${v}' is unknown; use one of ${WINDOW_NAMES.join(", ")} (or from and to)`, { parameter: name, value: v });
  }
  return v as WindowName;
}

export function parseInstant(q: RawQuery, name: string): number | undefined {
  // An unencoded '+' of an offset arrives as a space after query-string decoding.
  const v = param(q, name)?.replace(/ (\d{2}:?\d{2})$/, "+$1");
  if (v === undefined) return undefined;
  const epoch = /^\d{1,15}$/.test(v);
  const ms = epoch ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || (!epoch && !/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(v))) {
    throw new BadRequestError("invalid_time", `${name} '${v}' must be an ISO-8601 date-time with a UTC offset (e.g. 2025-03-01T12:00:00Z) or epoch milliseconds`, {
      parameter: name,
      value: v,
    });
  }
  return ms;
}

export function parsePositiveInt(q: RawQuery, name: string, fallback: number, max: number): number {
  const v = param(q, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) {
    throw new BadRequestError("invalid_parameter", `${name} '${v}' must be a whole number between 1 and ${max}`, { parameter: name, value: v });
  }
  return n;
}

export const floorTo = (ms: number, unit: number): number => Math.floor(ms / unit) * unit;
export const ceilTo = (ms: number, unit: number): number => Math.ceil(ms / unit) * unit;

/**
 * The end of a live window: the end of the bucket holding `now`, so "the last 15 minutes" includes
 * the current, still-filling minute and a window's range stays fixed for the rest of that minute.
 */
export function windowRange(window: WindowName, now: number, unit: number): TimeRange {
  const to = floorTo(now, unit) + unit;
  return { from: floorTo(to - WINDOWS[window], unit), to };
}

/**
 * Resolves `window` or `from`/`to` (names overridable for the baseline of /v1/compare) into a
 * range whose bounds are aligned to `unit`, starts inside the retention and is not empty.
 */
export function parseRange(q: RawQuery, opts: RangeOptions, names = { window: "window", from: "from", to: "to" }): TimeRange & { window?: WindowName } {
  const window = parseWindow(q, names.window);
  const from = parseInstant(q, names.from);
  const to = parseInstant(q, names.to);
  if (window !== undefined && (from !== undefined || to !== undefined)) {
    throw new BadRequestError("conflicting_range", `give either ${names.window} or ${names.from}/${names.to}, not both`, { parameter: names.window });
  }
  if (from === undefined && to !== undefined) {
    throw new BadRequestError("missing_parameter", `${names.to} needs ${names.from}`, { parameter: names.from });
  }
  let range: TimeRange & { window?: WindowName };
  if (from === undefined) {
    const w = window ?? opts.defaultWindow;
    range = { ...windowRange(w, opts.now, opts.unit), window: w };
  } else {
    range = { from, to: to ?? floorTo(opts.now, opts.unit) + opts.unit };
    if (range.from >= range.to) {
      throw new BadRequestError("invalid_range", `${names.from} (${iso(range.from)}) must be before ${names.to} (${iso(range.to)})`, { parameter: names.from });
    }
    if (range.from % opts.unit !== 0 || range.to % opts.unit !== 0) {
      throw new BadRequestError(
        "unaligned_range",
        `${names.from} and ${names.to} must fall on whole ${unitName(opts.unit)}s (the rollups' bucket), got ${iso(range.from)} – ${iso(range.to)}`,
        { parameter: range.from % opts.unit !== 0 ? names.from : names.to },
      );
    }
  }
  const horizon = opts.now - opts.retentionDays * DAY;
  if (range.from < horizon) {
    throw new BadRequestError(
      "beyond_retention",
      `the range starts at ${iso(range.from)}, before the retention of ${opts.retentionDays} days (earliest ${iso(ceilTo(horizon, opts.unit))})`,
      { parameter: window !== undefined ? names.window : names.from, retentionDays: opts.retentionDays },
    );
  }
  return range;
}

/**
 * The grain of a time series: explicit, or for `auto` the window's usual grain, or for an explicit
 * range the coarsest grain the range is aligned to that still gives at least 12 points.
 */
export function parseGrain(q: RawQuery, opts: Omit<RangeOptions, "unit">): { grain: Grain; range: TimeRange & { window?: WindowName } } {
  const requested = parseEnum(q, "grain", [...GRAIN_NAMES, "auto"] as const, "auto", "unknown_grain");
  let grain: Grain;
  if (requested !== "auto") grain = requested;
  else {
    const window = parseWindow(q);
    if (window !== undefined || param(q, "from") === undefined) grain = AUTO_GRAIN_OF_WINDOW[window ?? opts.defaultWindow];
    else {
      const probe = parseRange(q, { ...opts, unit: MINUTE });
      const aligned = (["day", "hour"] as const).filter((g) => probe.from % GRAINS[g] === 0 && probe.to % GRAINS[g] === 0);
      grain = aligned.find((g) => (probe.to - probe.from) / GRAINS[g] >= 12) ?? "minute";
    }
  }
  const range = parseRange(q, { ...opts, unit: GRAINS[grain] });
  const points = (range.to - range.from) / GRAINS[grain];
  if (points > MAX_POINTS) {
    throw new BadRequestError("too_many_points", `the range holds ${points} ${grain}s; at most ${MAX_POINTS} points per series (use a coarser grain)`, { parameter: "grain" });
  }
  return { grain, range };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function unitName(unit: number): string {
  return unit === DAY ? "day" : unit === HOUR ? "hour" : "minute";
}

/**
 * The baseline of a comparison: `baselineFrom`/`baselineTo` when given, otherwise the period of the
 * same length just before the current one. Same alignment and retention rules as the current range.
 */
export function parseBaseline(q: RawQuery, current: TimeRange, opts: RangeOptions): TimeRange {
  const from = param(q, "baselineFrom");
  const to = param(q, "baselineTo");
  if (from === undefined && to === undefined) {
    const length = current.to - current.from;
    const previous = { from: current.from - length, to: current.from };
    const horizon = opts.now - opts.retentionDays * DAY;
    if (previous.from < horizon) {
      throw new BadRequestError(
        "beyond_retention",
        `the previous period starts at ${iso(previous.from)}, before the retention of ${opts.retentionDays} days; give baselineFrom/baselineTo`,
        { parameter: "baselineFrom", retentionDays: opts.retentionDays },
      );
    }
    return previous;
  }
  if (from === undefined || to === undefined) {
    throw new BadRequestError("missing_parameter", "baselineFrom and baselineTo go together", { parameter: from === undefined ? "baselineFrom" : "baselineTo" });
  }
  return parseRange(q, opts, { window: "baselineWindow", from: "baselineFrom", to: "baselineTo" });
}
