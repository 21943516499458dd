/**
 * JSON Schemas of the routes, for the OpenAPI document at /docs. Parameters are validated by the
 * parsers in params-fns.ts (for precise problem+json messages), not by these schemas; responses are
 * serialised with JSON.stringify, so the schemas describe the bodies without filtering them.
 */
import type { RouteShorthandOptions } from "fastify";
import { integer, listOf, objectOf, string } from "@pulse/http";
import { DIMENSION_NAMES, GRAIN_NAMES, WINDOW_NAMES } from "./params-fns";
import { METRIC_NAMES } from "./metric-fns";

/** A described string parameter or field (every route schema of this service writes them this way). */
export const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: "string", description, ...extra });

export const rangeParams = {
  window: str(`Live window ending with the current minute: ${WINDOW_NAMES.join(", ")} (default 1h). Exclusive with from/to.`, { enum: WINDOW_NAMES }),
  from: str("Range start, inclusive: ISO-8601 with offset or epoch ms, on a whole minute.", { format: "date-time" }),
  to: str("Range end, exclusive (default: end of the current minute)."),
};

export const filterParams = Object.fromEntries(
  DIMENSION_NAMES.map((d) => [d, str(`Only these ${d} values (comma-separated).`)]),
) as Record<string, ReturnType<typeof str>>;

export const groupByParam = { groupBy: str(`Comma-separated dimensions to group by: ${DIMENSION_NAMES.join(", ")}.`) };

const interval = { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2, description: "95% interval [lower, upper]" };
const num = { type: ["number", "null"] };
const key = { type: "object", additionalProperties: { type: "string" }, description: "The group's dimension values" };

const targetGap = {
  type: "object",
  properties: {
    target: { type: "number" },
    value: num,
    gap: { ...num, description: "Shortfall to target (positive = missed)" },
    met: { type: ["boolean", "null"] },
    significantMiss: { type: "boolean", description: "The whole 95% interval lies below the target" },
    ci95: interval,
  },
};

export const groupScoresSchema = {
  type: "object",
  properties: {
    key,
    nps: { type: "object", properties: { value: num, n: { type: "integer" }, promoters: { type: "integer" }, passives: { type: "integer" }, detractors: { type: "integer" }, ci95: interval } },
    csat: { type: "object", properties: { top2Box: { ...num, description: "percent" }, mean: num, n: { type: "integer" }, ci95: interval } },
    ces: { type: "object", properties: { mean: num, n: { type: "integer" }, ci95: interval } },
    fcr: {
      type: "object",
      description:
        "First-contact resolution over cohorts (the contacts' own rollup buckets). value/n/ci95: final verdicts only, over contacts whose window W has closed (bucket end + W + L ≤ now), share 0..1 with its Wilson interval; null when none has closed. pending: contacts still inside their window (a count, never a rate). early: Kaplan–Meier estimate of the share with no repeat within horizonHours, from every contact at risk; it estimates FCR itself only when reachesWindow.",
      properties: {
        value: { ...num, description: "closed-window FCR, share 0..1" },
        n: { type: "integer", description: "contacts with a closed window" },
        ci95: interval,
        resolved: { type: "integer" },
        repeated: { type: "integer", description: "closed contacts followed by a repeat within W" },
        pending: {
          type: "object",
          properties: {
            contacts: { type: "integer", description: "contacts whose window is still open" },
            knownUnresolved: { type: "integer", description: "of those, already followed by a repeat within W" },
          },
        },
        early: {
          type: "object",
          properties: {
            value: { ...num, description: "Kaplan–Meier P(no repeat within horizonHours); null when fewer than 30 contacts are at risk even at the start" },
            ci95: { ...interval, description: "log-log 95% interval (Greenwood)" },
            horizonHours: { ...num, description: "how far the estimate reaches: the last time with at least 30 contacts at risk" },
            reachesWindow: { type: "boolean", description: "the horizon is W: the estimate is of FCR itself" },
            atRisk: { type: "integer" },
            events: { type: "integer", description: "repeats counted up to the horizon" },
            contacts: { type: "integer" },
          },
        },
        windowDays: { type: "number", description: "W" },
        allowedLatenessMinutes: { type: "number", description: "L (FCR_ALLOWED_LATENESS_MINUTES)" },
      },
    },
    waitSeconds: { type: "object", properties: { mean: num, p50: num, p90: num, n: { type: "integer" }, ci95: interval } },
    abandonment: { type: "object", properties: { value: { ...num, description: "share 0..1" }, n: { type: "integer" }, ci95: interval } },
    complaints: {
      type: "object",
      properties: { opened: { type: "integer" }, resolved: { type: "integer" }, contacts: { type: "integer" }, per1000Contacts: num, per1000Ci95: interval, meanHoursToResolve: num },
    },
    volume: { type: "object", properties: { events: { type: "integer" }, contacts: { type: "integer" } } },
    expectationGap: {
      type: "object",
      description: "Experience − expectation (1–5 each) over survey answers with both: mean gap with its paired t-interval, the two means and the share of answers where experience fell short",
      properties: {
        value: { ...num, description: "mean gap −4..4; negative = experience fell short" },
        ci95: interval,
        n: { type: "integer" },
        pValue: num,
        significant: { type: "boolean" },
        expectation: { type: "object", properties: { mean: num, ci95: interval } },
        experience: { type: "object", properties: { mean: num, ci95: interval } },
        shortfall: { type: "object", properties: { value: { ...num, description: "share 0..1" }, count: { type: "integer" }, ci95: interval } },
      },
    },
    targets: {
      type: ["object", "null"],
      description: "Gap to each catalogue target of the group's touchpoint",
      properties: { nps: targetGap, csatTop2: targetGap, ces: targetGap, fcr: targetGap },
    },
  },
};

const comparison = {
  type: "object",
  properties: {
    current: num,
    baseline: num,
    currentN: { type: "integer" },
    baselineN: { type: "integer" },
    difference: num,
    ci95: interval,
    pValue: num,
    significant: { type: "boolean" },
  },
};

export const problem = {
  type: "object",
  description: "RFC 9457 problem details",
  properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, code: { type: "string" }, detail: { type: "string" }, parameter: { type: "string" } },
};

const errors = { 400: problem, 401: problem };

/** A route's answers: 200 with an object of these properties, the shared errors, then `more`. */
const answers = (properties: Record<string, unknown>, more: Record<number, unknown> = {}) => ({
  200: objectOf(properties),
  ...errors,
  ...more,
});

/** The request header of every cached read route (answers also carry `x-cache`). */
const cacheControlHeader = {
  type: "object",
  properties: {
    "cache-control": {
      type: "string",
      description:
        "`no-cache` (or `no-store`, `max-age=0`; `Pragma: no-cache` too) skips the Redis cache: the answer is computed now and replaces the cached one. " +
        "Without it an answer may be up to the cache TTL old. The response header `x-cache` says which happened: hit, miss, revalidated or off.",
    },
  },
};

/** Route options shared by every /v1 route: own parameter parsing, plain JSON serialisation. */
export function routeOptions(schema: Record<string, unknown>, opts: { cached?: boolean } = {}): RouteShorthandOptions {
  return {
    schema: { security: [{ bearer: [] }], ...(opts.cached ? { headers: cacheControlHeader } : {}), ...schema },
    validatorCompiler: () => () => true,
    serializerCompiler: () => (data) => JSON.stringify(data),
  };
}

export const scoresSchema = {
  summary: "Scores per group over a window or range",
  tags: ["scores"],
  querystring: objectOf({ ...rangeParams, ...groupByParam, ...filterParams }),
  response: answers({
    from: { type: "string" },
    to: { type: "string" },
    window: { type: ["string", "null"] },
    groupBy: { type: "array", items: { type: "string" } },
    sources: listOf({ table: string, from: string, to: string }),
    groups: { type: "array", items: groupScoresSchema },
  }),
};

export const timeseriesSchema = {
  summary: "One metric over time at minute, hour or day grain",
  tags: ["scores"],
  querystring: {
    type: "object",
    required: ["metric"],
    properties: {
      metric: str("Metric to plot.", { enum: METRIC_NAMES }),
      grain: str("Bucket size; auto picks the coarsest that fits the range.", { enum: [...GRAIN_NAMES, "auto"] }),
      ...rangeParams,
      ...groupByParam,
      ...filterParams,
    },
  },
  response: answers({
    metric: { type: "string" },
    grain: { type: "string" },
    table: { type: "string" },
    series: listOf({ key, points: listOf({ t: string, value: num, n: integer, ci95: interval }) }),
  }),
};

export const compareSchema = {
  summary: "This period against the previous one (or any baseline range), per group",
  tags: ["scores"],
  querystring: objectOf({
    ...rangeParams,
    baselineFrom: str("Baseline start (default: the period of equal length before the current one)."),
    baselineTo: str("Baseline end, exclusive."),
    ...groupByParam,
    ...filterParams,
  }),
  response: answers({
    current: { type: "object" },
    baseline: { type: "object" },
    groups: listOf({ key, nps: comparison, csatTop2: comparison, ces: comparison, fcr: comparison, abandonment: comparison, waitSeconds: comparison, expectationGap: comparison }),
  }),
};

export const painPointsSchema = {
  summary: "Touchpoints ranked by how much they cost the customer experience",
  tags: ["insights"],
  querystring: objectOf({ ...rangeParams, ...filterParams, limit: { type: "string", description: "At most this many (1–100, default 20)." } }),
  response: answers({
    painPoints: listOf({ rank: integer, touchpoint: string, score: { type: "number" }, evidence: { type: "object" } }),
  }),
};

const { key: _groupKey, ...groupScoreProperties } = groupScoresSchema.properties;

export const journeySchema = {
  summary: "The customer journey: touchpoints grouped by journey stage (catalogue order), with scores, intervals, targets and pain points",
  description:
    "Stages are ordered by where each first appears among the catalogue's touchpoints; stages only in the data follow alphabetically, `unknown` last. " +
    "Catalogue touchpoints without data in the range are listed with n = 0. A stage's `scores` aggregate all its events (not an average of its touchpoints). " +
    "The top pain points of the range (rank ≤ 3 with a positive score, as /v1/pain-points ranks them) are marked on their touchpoint and listed per stage.",
  tags: ["scores"],
  querystring: objectOf({ ...rangeParams, ...filterParams }),
  response: answers({
    from: { type: "string" },
    to: { type: "string" },
    window: { type: ["string", "null"] },
    filters: { type: "object" },
    stages: listOf({
      stage: string,
      position: { type: "integer", description: "1-based position along the journey" },
      inCatalogue: { type: "boolean" },
      scores: objectOf(groupScoreProperties),
      touchpoints: listOf({
        touchpoint: string,
        label: { type: ["string", "null"] },
        inCatalogue: { type: "boolean" },
        ...groupScoreProperties,
        painPoint: { type: ["object", "null"], properties: { rank: integer, score: { type: "number" } } },
      }),
      painPoints: { type: "array", items: string, description: "marked pain points of the stage, in rank order" },
    }),
  }),
};

export const driversSchema = {
  summary: "Key-driver analysis: how strongly each touchpoint's CSAT moves overall NPS (kind=survey), or how much operational events before the answer move NPS/CSAT (kind=operational)",
  description:
    "kind=operational: one row per survey answer in the range whose customer had a call or contact in the `lookBackDays` before it (default 7), " +
    "drivers waitedOver5Min, abandoned, transferred, repeatContact, openComplaint (0/1, the same customer's events in that window), " +
    "outcome NPS coded +100/0/−100 (or CSAT top-2 as 0/1); OLS with HC3 robust intervals, t-tests and LMG shares of R² (@pulse/scoring operationalDrivers). " +
    "Filters (touchpoint, channel, segment, journeyStage) select the survey answers. Association, not causation.",
  tags: ["insights"],
  querystring: objectOf({
    ...rangeParams,
    kind: str("survey (default) or operational.", { enum: ["survey", "operational"] }),
    touchpoints: str("kind=survey: drivers to analyse (comma-separated, at most 12); default the most-rated touchpoints."),
    segment: str("Only respondents' answers in these segments."),
    channel: str("Only answers given in these channels."),
    touchpoint: str("kind=operational: only answers about these touchpoints."),
    journeyStage: str("kind=operational: only answers in these journey stages."),
    outcome: str("kind=operational: nps (default) or csat.", { enum: ["nps", "csat"] }),
    lookBackDays: str("kind=operational: days before each answer whose events count (1–90, default 7)."),
  }),
  response: answers(
    {
      respondents: { type: "integer" },
      n: { type: "integer" },
      r2: { type: "number" },
      kind: { type: "string", description: "operational only" },
      outcome: { type: "string", description: "operational only: nps or csat" },
      lookBackDays: { type: "integer", description: "operational only" },
      withContacts: { type: "integer", description: "operational only: respondents with a contact in the look-back window (the rows analysed before complete-case filtering)" },
      unitOfAnalysis: { type: "string", description: "operational only" },
      analysis: {
        type: "object",
        description:
          "operational only: n, excludedRows, df, r2, adjustedR2, seType, intercept, drivers[] {driver, coefficient (score points when the driver goes 0 → 1), se, ci95, statistic, pValue, significant, importance, rawWeight, beta, correlation, mean, n}, dropped[], importanceNote",
      },
      drivers: listOf({
        touchpoint: string,
        importance: { type: "number" },
        rawWeight: { type: "number" },
        beta: { type: "number" },
        correlation: { type: "number" },
        n: integer,
        ratedBy: integer,
      }),
    },
    { 422: problem },
  ),
};

export const streamSchema = {
  summary: "Server-Sent Events: `scores` events with the /v1/scores body for a grouping and window (plus `alertsVersion` when alerting runs), at most once a second",
  tags: ["scores"],
  querystring: objectOf({
    window: rangeParams.window,
    ...groupByParam,
    ...filterParams,
    token: str("Read token (EventSource cannot send headers); Authorization: Bearer works too."),
  }),
  produces: ["text/event-stream"],
  response: { 200: { type: "string", description: "text/event-stream" }, ...errors },
};
