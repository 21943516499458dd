/** JSON Schemas of the /v1/cases routes (the OpenAPI document at /docs). */
import { CASE_OUTCOMES, CASE_STATES } from "@pulse/cases";
import { CASE_SEVERITIES, CASE_TRIGGERS } from "@pulse/catalogue";
import { problem, str } from "./openapi";

const time = (description: string) => ({ type: ["string", "null"], format: "date-time", description });

export const caseSchema = {
  type: "object",
  properties: {
    id: str("Derived from tenant, event id and trigger: one case per triggering event"),
    eventId: str("The event that opened the case"),
    trigger: str("What opened it", { enum: CASE_TRIGGERS }),
    severity: str("Urgency (sets the SLA)", { enum: CASE_SEVERITIES }),
    customerId: { type: ["string", "null"], description: "Pseudonymous customer id" },
    touchpoint: { type: ["string", "null"] },
    channel: { type: ["string", "null"] },
    segment: { type: ["string", "null"] },
    evidence: { type: "object", description: "score, redacted comment, topics, the contacts that led to it", additionalProperties: true },
    eventAt: time("When the triggering event happened"),
    state: str("Where the case is", { enum: CASE_STATES }),
    team: { type: ["string", "null"] },
    owner: { type: ["string", "null"] },
    rootCause: { type: ["string", "null"] },
    outcome: { type: ["string", "null"], enum: [...CASE_OUTCOMES, null] },
    firstResponseDue: time("First-response deadline"),
    resolutionDue: time("Resolution deadline"),
    firstResponseAt: time("First human step (left open, or a note)"),
    resolvedAt: time("When it was resolved"),
    closedAt: time("When it was closed"),
    firstResponseBreachedAt: time("When the first-response SLA breach was escalated"),
    resolutionBreachedAt: time("When the resolution SLA breach was escalated"),
    reopenCount: { type: "integer" },
    createdAt: time("Opened"),
    updatedAt: time("Last change"),
    version: { type: "integer", description: "Send it back with PATCH: a stale version gets 409" },
  },
};

const historySchema = {
  type: "array",
  items: {
    type: "object",
    properties: {
      seq: { type: "integer" },
      version: { type: "integer" },
      at: { type: "string", format: "date-time" },
      actor: { type: "string" },
      action: { type: "string", description: "created, updated, note, reopened, escalated" },
      changes: { type: "object", additionalProperties: { type: "array" }, description: "field → [from, to]" },
      note: { type: ["string", "null"] },
    },
  },
};

const list = (what: string) => str(`Only these ${what} (comma-separated).`);

export const listCasesSchema = {
  summary: "Follow-up cases: the queue, with filters and paging",
  tags: ["cases"],
  querystring: {
    type: "object",
    properties: {
      state: list(`states (${CASE_STATES.join(", ")})`),
      team: list("teams"),
      owner: list("owners"),
      trigger: list(`triggers (${CASE_TRIGGERS.join(", ")})`),
      touchpoint: list("touchpoints"),
      severity: list(`severities (${CASE_SEVERITIES.join(", ")})`),
      customer: str("Only this customer's cases."),
      due: str("overdue: active cases past their next deadline; soon: due within dueWithinMinutes.", { enum: ["overdue", "soon"] }),
      dueWithinMinutes: { type: "integer", minimum: 1, maximum: 10080, description: "With due=soon (default 240)." },
      limit: { type: "integer", minimum: 1, maximum: 200, description: "Page size (default 50)." },
      offset: { type: "integer", minimum: 0, description: "Cases to skip (default 0)." },
    },
  },
  response: {
    200: {
      type: "object",
      properties: { cases: { type: "array", items: caseSchema }, total: { type: "integer" }, limit: { type: "integer" }, offset: { type: "integer" } },
    },
    400: problem,
    401: problem,
    403: problem,
  },
};

const idParam = { type: "object", properties: { id: str("The case id") }, required: ["id"] };

export const getCaseSchema = {
  summary: "One case with its history, the customer's other cases and recent feedback and contacts",
  tags: ["cases"],
  params: idParam,
  response: {
    200: {
      type: "object",
      properties: {
        case: caseSchema,
        history: historySchema,
        customer: {
          type: "object",
          properties: {
            cases: { type: "array", items: caseSchema },
            recent: {
              type: "array",
              description: "The customer's latest events (feedback and contacts), newest first; text is PII-redacted",
              items: {
                type: "object",
                properties: {
                  eventId: { type: "string" },
                  type: { type: "string" },
                  occurredAt: { type: "string" },
                  touchpoint: { type: "string" },
                  channel: { type: "string" },
                  topic: { type: "string" },
                  nps: { type: ["integer", "null"] },
                  csat: { type: ["integer", "null"] },
                  text: { type: "string" },
                },
              },
            },
          },
        },
      },
    },
    401: problem,
    403: problem,
    404: problem,
  },
};

export const patchCaseSchema = {
  summary: "Work a case: assign, move its state, add a note, set root cause and outcome (write token)",
  description:
    "Optimistic concurrency: send the version you read (body `version`, or `If-Match: \"<version>\"`); if the case changed since, the answer is 409 with the current version. " +
    "Closing needs rootCause and outcome (in this update or an earlier one). Moving a resolved or closed case back to open or in_progress reopens it.",
  tags: ["cases"],
  params: idParam,
  body: {
    type: "object",
    required: ["actor"],
    properties: {
      version: { type: "integer", minimum: 1 },
      actor: str("Who makes the change (recorded in the history)"),
      state: str("New state", { enum: CASE_STATES }),
      owner: { type: ["string", "null"], description: "Assign (null: unassign)" },
      team: str("Move to this team"),
      note: str("A note (counts as the first response)"),
      rootCause: str("Root-cause code, e.g. billing_error"),
      outcome: str("How the follow-up ended", { enum: CASE_OUTCOMES }),
    },
  },
  response: { 200: caseSchema, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
};

const rate = { type: "object", properties: { value: { type: ["number", "null"] }, count: { type: "integer" }, n: { type: "integer" }, ci95: { type: ["array", "null"], items: { type: "number" } } } };
const durations = { type: "object", properties: { n: { type: "integer" }, p50Seconds: { type: ["number", "null"] }, p90Seconds: { type: ["number", "null"] } } };

export const caseMetricsSchema = {
  summary: "Loop metrics of the cases opened in a range, per touchpoint or team, with the recovery rate",
  description:
    "Exact for any range (from ClickHouse's rollup case_loop_hour of the shipped case history, as of the last shipped change, a few seconds behind; " +
    "a case counts for the team it was opened for, and as it is now: a reopened case is not resolved or closed): cases opened; time to first response and to resolution (p50/p90, seconds from opening); SLA hit rates " +
    "(met / decided, Wilson 95% interval; missed = late, escalated, or overdue now); closure rate; and the recovery rate of followed-up customers " +
    "(of those who answered an NPS survey after the follow-up, the share whose score improved, and who became promoters).",
  tags: ["cases"],
  querystring: {
    type: "object",
    properties: {
      from: str("Range start (cases opened from), ISO-8601 with offset or epoch ms; default: 30 days before `to`.", { format: "date-time" }),
      to: str("Range end, exclusive; default now."),
      groupBy: str("touchpoint (default) or team (the team the case was opened for)", { enum: ["touchpoint", "team"] }),
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        from: { type: "string" },
        to: { type: "string" },
        groupBy: { type: "string" },
        groups: {
          type: "array",
          items: {
            type: "object",
            properties: {
              key: { type: "string" },
              opened: { type: "integer" },
              firstResponse: durations,
              resolution: durations,
              slaHit: { type: "object", properties: { firstResponse: rate, resolution: rate } },
              closureRate: rate,
              recovery: {
                type: ["object", "null"],
                properties: { value: { type: ["number", "null"] }, n: { type: "integer" }, ci95: rate.properties.ci95, response: rate, improved: rate, becamePromoters: rate },
              },
            },
          },
        },
      },
    },
    400: problem,
    401: problem,
    403: problem,
  },
};
