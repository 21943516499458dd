/** OpenAPI schemas of the alert routes (see ../openapi.ts for the conventions). */
import { problem, str } from "../openapi";

const errors = { 400: problem, 401: problem, 403: problem, 404: problem };
const interval = { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2 };

const evidence = {
  type: "object",
  properties: {
    value: { type: "object", properties: { value: { type: ["number", "null"] }, n: { type: "number" }, ci95: interval }, description: "the score over the statistic's run, with n and its 95% interval" },
    reference: { type: "object", properties: { kind: { type: "string", enum: ["target", "baseline"] }, value: { type: "number" } } },
    statistic: { type: "object", properties: { name: { type: "string" }, value: { type: "number" }, threshold: { type: "number" } } },
    p: { type: "number" },
    since: { type: ["number", "null"], description: "epoch ms the statistic's run started" },
    fdr: { type: "object", properties: { q: { type: "number" }, monitors: { type: "integer" } } },
  },
};

export const alertSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    ruleId: { type: "string" },
    touchpoint: { type: "string" },
    metric: { type: "string" },
    kind: { type: "string", enum: ["target", "change", "silence"] },
    severity: { type: "string" },
    status: { type: "string", enum: ["pending", "firing", "resolved"] },
    pendingSince: { type: "string" },
    firedAt: { type: ["string", "null"] },
    resolvedAt: { type: ["string", "null"] },
    ackedAt: { type: ["string", "null"] },
    ackedBy: { type: ["string", "null"] },
    evidence,
    dashboard: { type: "string", description: "dashboard drill-down of the touchpoint" },
  },
};

const historySchema = {
  type: "object",
  properties: {
    alertId: { type: "string" },
    event: { type: "string", enum: ["firing", "renotify", "resolved", "acknowledged"] },
    minute: { type: "string" },
    ruleId: { type: "string" },
    touchpoint: { type: "string" },
    metric: { type: "string" },
    kind: { type: "string" },
    severity: { type: "string" },
    silenced: { type: "boolean" },
    ackedBy: { type: "string" },
    evidence,
  },
};

export const listAlertsSchema = {
  summary: "Active alerts (from the live state) and alert history (from ClickHouse)",
  tags: ["alerts"],
  querystring: {
    type: "object",
    properties: {
      state: str("active (pending and firing, default), history, or all", { enum: ["active", "history", "all"] }),
      touchpoint: str("Only this touchpoint"),
      rule: str("Only this rule id"),
      from: str("History from (ISO-8601 or epoch ms; default 7 days ago)"),
      to: str("History to, exclusive (default: the end of the current minute)"),
      limit: str("Most history rows (1–1000, default 200)"),
    },
  },
  response: { 200: { type: "object", properties: { active: { type: "array", items: alertSchema }, history: { type: "array", items: historySchema } } }, ...errors },
};

export const ackSchema = {
  summary: "Acknowledge an open alert: its re-notifications stop (its resolution is still sent). Needs a write token.",
  tags: ["alerts"],
  params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  body: { type: "object", properties: { by: str("who acknowledges (1–128 characters; default: api)") } },
  response: { 200: alertSchema, ...errors },
};

const silenceSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    ruleId: { type: "string" },
    touchpoint: { type: "string" },
    metric: { type: "string" },
    startsAt: { type: "string" },
    endsAt: { type: "string" },
    comment: { type: "string" },
    createdBy: { type: "string" },
  },
};

export const listSilencesSchema = {
  summary: "Alert silences of the tenant (active and scheduled)",
  tags: ["alerts"],
  response: { 200: { type: "object", properties: { silences: { type: "array", items: silenceSchema } } }, ...errors },
};

export const createSilenceSchema = {
  summary: "Create a silence: matching notifications are recorded but not delivered. Needs a write token.",
  tags: ["alerts"],
  body: {
    type: "object",
    properties: {
      ruleId: str("match this rule id"),
      touchpoint: str("match this touchpoint"),
      metric: str("match this metric"),
      startsAt: str("ISO-8601 (default now)"),
      endsAt: str("ISO-8601; or give durationMinutes"),
      durationMinutes: { type: "integer", minimum: 1, maximum: 43_200 },
      comment: str("why"),
      createdBy: str("who"),
    },
  },
  response: { 201: silenceSchema, ...errors },
};

export const deleteSilenceSchema = {
  summary: "Delete a silence. Needs a write token.",
  tags: ["alerts"],
  params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  response: { 204: { type: "null" }, ...errors },
};

export const deadLettersSchema = {
  summary: "Webhook deliveries that failed their last attempt (newest first)",
  tags: ["alerts"],
  querystring: { type: "object", properties: { limit: str("Most entries (1–1000, default 100)") } },
  response: {
    200: {
      type: "object",
      properties: {
        deadLetters: {
          type: "array",
          items: { type: "object", properties: { key: { type: "string" }, url: { type: "string" }, attempts: { type: "integer" }, error: { type: "string" }, at: { type: "string" }, type: { type: "string" }, alertId: { type: "string" } } },
        },
      },
    },
    ...errors,
  },
};
