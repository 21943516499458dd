/** OpenAPI of the corrective-action routes (bodies are validated by the zod schemas of actions-fns.ts). */
import { ACTION_METRICS, DEFAULT_WINDOW_DAYS, MAX_TOUCHPOINTS, MAX_WINDOW_DAYS } from "./actions-fns";
import { problem } from "./openapi";

const interval = { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2, description: "95% interval [lower, upper]" };
const num = { type: ["number", "null"] };
const period = { type: "object", properties: { from: { type: "string" }, to: { type: "string" } } };
const cell = { type: "object", properties: { n: { type: "integer" }, value: num, se: num } };
const cells = { type: "object", properties: { before: cell, after: cell } };
const test = {
  type: ["object", "null"],
  properties: { estimate: num, se: num, ci95: interval, statistic: num, pValue: num, significant: { type: "boolean" }, df: num },
};

const touchpoints = { type: "array", items: { type: "string" }, minItems: 1 };
const metric = { type: "string", enum: ACTION_METRICS, description: "The metric the action should move (names of /v1/scores/timeseries)" };
const direction = { type: "string", enum: ["increase", "decrease"], description: "Which way the metric should move" };

export const effectSchema = {
  type: "object",
  description:
    "The action's effect as of `asOf`. after = [start, start + windowDays) (so far), before = the same length just before the start. " +
    "beforeAfter: treated after − before with a two-sample test; differenceInDifferences: (treated after − before) − (control after − before) with its interval. " +
    "The verdict rests on DiD when there is a control, else on before/after: improved / worse (p < 0.05 with / against expectedDirection), " +
    "no_detectable_change (p ≥ 0.05: read with minimumDetectableEffect), too_early (the after window has not ended, or a period has fewer than 30 observations).",
  properties: {
    metric: { type: "string" },
    unit: { type: "string" },
    expectedDirection: direction,
    windowDays: { type: "integer" },
    before: period,
    after: period,
    afterComplete: { type: "boolean" },
    afterEndsAt: { type: "string" },
    settledAt: { type: "string", description: "when the verdict can leave too_early: the after window's end (FCR: + the FCR window W + allowed lateness L)" },
    asOf: { type: "string" },
    control: {
      type: "object",
      properties: {
        rule: { type: "string", enum: ["explicit", "same_journey_stage", "none"] },
        touchpoints: { type: "array", items: { type: "string" } },
        excluded: { type: "array", items: { type: "string" }, description: "same-stage touchpoints left out: another action started on them within the periods" },
        stages: { type: "array", items: { type: "string" } },
      },
    },
    cells: { type: "object", properties: { treated: cells, control: { ...cells, type: ["object", "null"] } } },
    beforeAfter: test,
    differenceInDifferences: test,
    primary: { type: "string", enum: ["difference_in_differences", "before_after"] },
    effect: num,
    ci95: interval,
    minimumDetectableEffect: { ...num, description: "a true effect this large is detected with 80% power at α = 5% (two-sided)" },
    verdict: { type: "string", enum: ["improved", "no_detectable_change", "worse", "too_early"] },
    reason: { type: "string" },
  },
};

export const actionSchema = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    name: { type: "string" },
    what: { type: "string" },
    owner: { type: "string" },
    touchpoints: touchpoints,
    controlTouchpoints: { type: ["array", "null"], items: { type: "string" } },
    startAt: { type: "string", format: "date-time" },
    metric,
    expectedDirection: direction,
    windowDays: { type: "integer" },
    status: { type: "string", enum: ["active", "closed"] },
    closedAt: { type: ["string", "null"] },
    outcome: { type: ["string", "null"] },
    createdAt: { type: "string" },
    updatedAt: { type: "string" },
    version: { type: "integer" },
    effect: effectSchema,
  },
};

const historySchema = {
  type: "array",
  description: "The action's audit history, oldest first: who changed what, when",
  items: {
    type: "object",
    properties: {
      seq: { type: "integer" },
      version: { type: "integer", description: "the action's version after the change" },
      at: { type: "string", format: "date-time" },
      actor: { type: "string", description: "who made it: the request's `actor`, `api` when none was given, `system:migration` for the row of an action recorded before the history began" },
      kind: { type: "string", enum: ["created", "updated", "closed", "reopened", "existing"] },
      changes: {
        type: "object",
        additionalProperties: { type: "array", minItems: 2, maxItems: 2 },
        description: "field → [from, to]; at creation every field set, from null",
      },
    },
  },
};

const actor = { type: "string", maxLength: 200, description: "Who makes the change, recorded in the action's history (default `api`)" };

const security = [{ bearer: [] }];
const idParam = { type: "object", properties: { id: { type: "string", format: "uuid" } }, required: ["id"] };

export const createActionRouteSchema = {
  summary: "Record a corrective action on one or more touchpoints; Pulse measures its effect (write token)",
  tags: ["actions"],
  security,
  body: {
    type: "object",
    required: ["name", "what", "owner", "touchpoints", "startDate", "metric", "expectedDirection"],
    additionalProperties: false,
    properties: {
      name: { type: "string", maxLength: 200 },
      what: { type: "string", maxLength: 2000, description: "What was changed" },
      owner: { type: "string", maxLength: 200 },
      touchpoints: { ...touchpoints, maxItems: MAX_TOUCHPOINTS, description: "Treated touchpoints (canonical form, as /v1/scores filters)" },
      controlTouchpoints: {
        type: "array",
        items: { type: "string" },
        description: "Explicit control touchpoints; default: the other touchpoints of the treated touchpoints' journey stages without an action starting within the periods",
      },
      startDate: { type: "string", description: "When the change went live: YYYY-MM-DD (00:00 UTC) or an ISO-8601 date-time with offset on a whole minute" },
      metric,
      expectedDirection: direction,
      windowDays: { type: "integer", minimum: 1, maximum: MAX_WINDOW_DAYS, default: DEFAULT_WINDOW_DAYS, description: "Length of the before and of the after window" },
      actor,
    },
  },
  response: { 201: actionSchema, 400: problem, 401: problem, 403: problem },
};

export const listActionsRouteSchema = {
  summary: "The tenant's corrective actions with their current effect, latest start first (read token)",
  tags: ["actions"],
  security,
  querystring: { type: "object", properties: { status: { type: "string", enum: ["active", "closed"] }, touchpoint: { type: "string", description: "Only actions on this touchpoint" } } },
  response: { 200: { type: "object", properties: { asOf: { type: "string" }, actions: { type: "array", items: actionSchema } } }, 400: problem, 401: problem, 403: problem },
};

export const getActionRouteSchema = {
  summary: "One corrective action with its current effect and its audit history (read token)",
  tags: ["actions"],
  security,
  params: idParam,
  response: { 200: { ...actionSchema, properties: { ...actionSchema.properties, history: historySchema } }, 401: problem, 403: problem, 404: problem },
};

export const patchActionRouteSchema = {
  summary: "Rename, re-own, close (with an outcome) or reopen an action; what is measured cannot change (write token)",
  tags: ["actions"],
  security,
  params: idParam,
  body: {
    type: "object",
    required: ["version"],
    additionalProperties: false,
    properties: {
      version: { type: "integer", description: "The version read; a stale one gets 409 version_conflict" },
      name: { type: "string" },
      what: { type: "string" },
      owner: { type: "string" },
      status: { type: "string", enum: ["active", "closed"] },
      outcome: { type: "string", description: "What came of it; required to close" },
      actor,
    },
  },
  response: { 200: actionSchema, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
};
