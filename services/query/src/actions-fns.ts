/**
 * Corrective actions (the outer loop): the request schemas, the measurement windows, the control
 * rule and the mapping from rollup statistics to the cells of @pulse/scoring's actionEffect. Pure:
 * the clock and the rows arrive as arguments; the SQL is the query service's stats query.
 */
import { canonicalName } from "@pulse/contract";
import { BadRequestError } from "@pulse/kit";
import type { ActionDirection as Direction, ActionEffect, ActionMetric, MomentStats, NpsStats, RateStats } from "@pulse/scoring";
import { z } from "zod";
import { GRAINS, assertKnownParams, iso, param, type RawQuery, type TimeRange } from "./params-fns";
import type { StatsRow } from "./rollup.sql";
import { abandonmentStats, cesStats, csatStats, fcrReport, fcrStats, npsStats, waitStats, type FcrSettings } from "./scores-fns";

const DAY = GRAINS.day;

/** The metrics an action can promise to move, by their /v1/scores/timeseries names. */
export const ACTION_METRICS = ["nps", "csatTop2", "ces", "fcr", "abandonment", "waitMean"] as const;
export type ActionMetricName = (typeof ACTION_METRICS)[number];

/** The name of each metric in actionEffect and its unit in the effect body. */
export const EFFECT_METRIC: Record<ActionMetricName, { metric: ActionMetric; unit: string }> = {
  nps: { metric: "nps", unit: "NPS points" },
  csatTop2: { metric: "csat_top2", unit: "share 0..1 of CSAT answers in the top two boxes" },
  ces: { metric: "ces", unit: "mean CES (1–7)" },
  fcr: { metric: "fcr", unit: "share 0..1 of contacts resolved first time (closed windows only)" },
  abandonment: { metric: "abandonment", unit: "share 0..1 of offered calls abandoned" },
  waitMean: { metric: "wait", unit: "mean wait in seconds" },
};

export const DEFAULT_WINDOW_DAYS = 14;
export const MAX_WINDOW_DAYS = 90;
export const MAX_TOUCHPOINTS = 20;

export type ActionStatus = "active" | "closed";

export type Action = {
  id: string;
  tenant: string;
  name: string;
  what: string;
  owner: string;
  /** Treated touchpoints, canonical names. */
  touchpoints: string[];
  /** Explicit control touchpoints; null: the same-journey-stage rule. */
  controlTouchpoints: string[] | null;
  /** When the change went live: ISO-8601, on a whole minute (UTC). */
  startAt: string;
  metric: ActionMetricName;
  expectedDirection: Direction;
  /** Length of the before window and of the after window, in days. */
  windowDays: number;
  status: ActionStatus;
  closedAt: string | null;
  outcome: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};

/** Who a change is recorded for when the request names nobody (tokens carry no person). */
export const DEFAULT_ACTOR = "api";

/** One change to an action, as its audit history keeps it. */
export type ActionHistoryEntry = {
  seq: number;
  version: number;
  at: string;
  actor: string;
  /** created, updated, closed, reopened; `existing`: the action as it was when the history began. */
  kind: "created" | "updated" | "closed" | "reopened" | "existing";
  /** field → [from, to]; at creation, every field the request set, from null. */
  changes: Record<string, [unknown, unknown]>;
};

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const touchpointList = (max: number) =>
  z
    .array(
      z
        .string()
        .transform((v) => canonicalName(v))
        .refine((v) => SLUG.test(v), "each touchpoint must be 1–64 characters of a–z, 0–9, '.', '_' or '-' (canonical form)"),
    )
    .min(1, "give at least one touchpoint")
    .max(max, `at most ${max} touchpoints`)
    .transform((v) => [...new Set(v)]);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A start date: `YYYY-MM-DD` (00:00 UTC) or an ISO-8601 date-time with offset on a whole minute. */
const startDate = z.string().transform((v, ctx) => {
  const ms = DATE_ONLY.test(v) ? Date.parse(`${v}T00:00:00Z`) : DATE_TIME.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: "must be YYYY-MM-DD or an ISO-8601 date-time with offset (e.g. 2025-06-01T09:00:00Z)" });
    return z.NEVER;
  }
  if (ms % GRAINS.minute !== 0) {
    ctx.addIssue({ code: "custom", message: "must fall on a whole minute" });
    return z.NEVER;
  }
  return ms;
});

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`);

export const createActionSchema = z
  .object({
    name: text(200),
    what: text(2000),
    owner: text(200),
    touchpoints: touchpointList(MAX_TOUCHPOINTS),
    controlTouchpoints: touchpointList(50).optional(),
    startDate,
    metric: z.enum(ACTION_METRICS),
    expectedDirection: z.enum(["increase", "decrease"]),
    windowDays: z.number().int("must be a whole number of days").min(1, "at least 1 day").max(MAX_WINDOW_DAYS, `at most ${MAX_WINDOW_DAYS} days`).optional(),
    actor: text(200).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const overlap = (v.controlTouchpoints ?? []).filter((t) => v.touchpoints.includes(t));
    if (overlap.length > 0) ctx.addIssue({ code: "custom", path: ["controlTouchpoints"], message: `must not contain a treated touchpoint (${overlap.join(", ")})` });
  });
export type CreateActionInput = z.output<typeof createActionSchema>;

/**
 * What may change after creation: the description, the owner, and closing (with an outcome) or
 * reopening. What is measured (touchpoints, control, start, metric, direction, window) is fixed
 * once created, so an effect cannot be re-cut after its numbers are seen.
 */
export const patchActionSchema = z
  .object({
    version: z.number().int("must be a whole number").min(1, "must be at least 1"),
    name: text(200).optional(),
    what: text(2000).optional(),
    owner: text(200).optional(),
    status: z.enum(["active", "closed"]).optional(),
    outcome: text(2000).optional(),
    actor: text(200).optional(),
  })
  .strict();
export type PatchActionInput = z.output<typeof patchActionSchema>;

/** Parses a body with a schema; the first problem becomes a 400 naming the field and the rule. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequestError("invalid_body", "the body must be a JSON object", { parameter: "body" });
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : "body";
  const message = issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")}` : issue.message;
  const parameter = issue.code === "unrecognized_keys" ? (issue.keys[0] ?? field) : field;
  throw new BadRequestError("invalid_body", `${parameter}: ${message}`, { parameter, issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
}

/**
 * The two periods, of equal length: after = [start, min(start + W, now)), before = the same length
 * just before the start. `complete` once the whole after window has passed; until then the
 * verdict is too_early (a fixed-horizon test: looking at the p-value every day while the window
 * fills would declare effects that are not there).
 */
export function actionWindows(
  startMs: number,
  windowDays: number,
  now: number,
  settleMs = 0,
): { before: TimeRange; after: TimeRange; complete: boolean; endsAt: number; settledAt: number } {
  const nowMinute = Math.floor(now / GRAINS.minute) * GRAINS.minute;
  const endsAt = startMs + windowDays * DAY;
  const afterTo = Math.max(startMs, Math.min(endsAt, nowMinute));
  const length = afterTo - startMs;
  const settledAt = endsAt + settleMs;
  return { before: { from: startMs - length, to: startMs }, after: { from: startMs, to: afterTo }, complete: nowMinute >= settledAt, endsAt, settledAt };
}

/**
 * How long after the after window ends its figures are final. FCR: a contact's verdict is final
 * only once its own FCR window W and the allowed lateness L have passed, so the last contacts of
 * the after window settle at its end + W + L; until then the after cell holds only part of them.
 */
export function settleMsOf(metric: ActionMetricName, fcr: Pick<FcrSettings, "windowMs" | "allowedLatenessMs">): number {
  return metric === "fcr" ? fcr.windowMs + fcr.allowedLatenessMs : 0;
}

/** Journey stages that say nothing about comparability: no automatic control from them. */
const NO_STAGE = new Set(["", "unknown"]);

export type ControlChoice = {
  rule: "explicit" | "same_journey_stage" | "none";
  touchpoints: string[];
  /** Same-stage touchpoints left out because another action started on them within the periods. */
  excluded: string[];
  stages: string[];
};

/**
 * The control group. Explicit when the action lists `controlTouchpoints`; otherwise every other
 * touchpoint with data in the periods that shares a journey stage with a treated touchpoint
 * (as the worker stamped the events), except touchpoints on which another action of the tenant
 * started within [before.from, after.to) — those changed too. Stages "" and "unknown" match
 * nothing. No candidate: rule "none", and the effect is before/after only.
 */
export function chooseControl(
  action: Pick<Action, "id" | "touchpoints" | "controlTouchpoints">,
  stageRows: readonly { touchpoint?: string; journeyStage?: string }[],
  others: readonly Pick<Action, "id" | "touchpoints" | "startAt">[],
  span: TimeRange,
): ControlChoice {
  if (action.controlTouchpoints && action.controlTouchpoints.length > 0) {
    return { rule: "explicit", touchpoints: [...action.controlTouchpoints], excluded: [], stages: [] };
  }
  const treated = new Set(action.touchpoints);
  const stages = new Set(stageRows.filter((r) => treated.has(r.touchpoint ?? "") && !NO_STAGE.has(r.journeyStage ?? "")).map((r) => r.journeyStage!));
  const changed = new Set(
    others
      .filter((o) => o.id !== action.id)
      .filter((o) => {
        const t = Date.parse(o.startAt);
        return t >= span.from && t < span.to;
      })
      .flatMap((o) => o.touchpoints),
  );
  const candidates = new Set(stageRows.filter((r) => stages.has(r.journeyStage ?? "") && !treated.has(r.touchpoint ?? "")).map((r) => r.touchpoint ?? ""));
  const sorted = [...candidates].filter((t) => t !== "").sort();
  const touchpoints = sorted.filter((t) => !changed.has(t));
  return {
    rule: touchpoints.length > 0 ? "same_journey_stage" : "none",
    touchpoints,
    excluded: sorted.filter((t) => changed.has(t)),
    stages: [...stages].sort(),
  };
}

export type CellStats = NpsStats | RateStats | MomentStats;

/** The metric's sufficient statistics in one merged stats row (FCR: closed-window contacts only). */
export function cellStats(metric: ActionMetricName, row: StatsRow, fcr: FcrSettings): CellStats {
  switch (metric) {
    case "nps":
      return npsStats(row);
    case "csatTop2": {
      const c = csatStats(row);
      return { successes: c.top2, n: c.n };
    }
    case "ces":
      return cesStats(row);
    case "waitMean":
      return waitStats(row);
    case "abandonment":
      return abandonmentStats(row);
    case "fcr":
      return fcrStats(fcrReport(row, fcr));
  }
}

export type ActionEffectBody = ActionEffect & {
  unit: string;
  windowDays: number;
  before: { from: string; to: string };
  after: { from: string; to: string };
  /** The whole after window has passed; before that the verdict is too_early. */
  afterComplete: boolean;
  afterEndsAt: string;
  /** When the verdict can leave too_early: the after window's end (FCR: + W + L, when its last contacts' verdicts are final). */
  settledAt: string;
  control: ControlChoice;
  asOf: string;
};

/** Holds the verdict at too_early while the after window is incomplete; the estimates stay, marked interim. */
export function withWindowVerdict(effect: ActionEffect, windows: ReturnType<typeof actionWindows>): ActionEffect {
  if (windows.complete || effect.verdict === "too_early") return effect;
  return {
    ...effect,
    verdict: "too_early",
    reason:
      windows.settledAt > windows.endsAt
        ? `the after window's figures are final from ${iso(windows.settledAt)} (its end + the FCR window + allowed lateness); the estimate so far is interim (${effect.reason})`
        : `the after window runs until ${iso(windows.endsAt)}; the estimate so far is interim (${effect.reason})`,
  };
}

/** GET /v1/actions filters: `status` (active, closed) and `touchpoint` (canonical form). */
export function parseListQuery(q: RawQuery): { status?: ActionStatus; touchpoint?: string } {
  assertKnownParams(q, ["status", "touchpoint"]);
  const out: { status?: ActionStatus; touchpoint?: string } = {};
  const status = param(q, "status");
  if (status !== undefined) {
    if (status !== "active" && status !== "closed") throw new BadRequestError("invalid_parameter", `status '${status}' is unknown; use active or closed`, { parameter: "status", value: status });
    out.status = status;
  }
  const touchpoint = param(q, "touchpoint");
  if (touchpoint !== undefined) {
    const t = canonicalName(touchpoint);
    if (!SLUG.test(t)) throw new BadRequestError("invalid_filter", `touchpoint '${touchpoint}' must be 1–64 characters of a–z, 0–9, '.', '_' or '-'`, { parameter: "touchpoint", value: touchpoint });
    out.touchpoint = t;
  }
  return out;
}
