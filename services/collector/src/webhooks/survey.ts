import type { WebhookAdapter } from "./mapping";

/**
 * A generic survey-tool webhook (one response per payload, or an array of them):
 *
 *   { "response_id": "r-1", "survey_id": "post-delivery-v3", "submitted_at": "2025-03-14T09:30:00Z",
 *     "respondent": { "id": "cus_8f14", "segment": "retail" }, "touchpoint": "delivery",
 *     "answers": { "q_nps": 9, "q_csat": "4", "q_comment": "Quick and friendly" } }
 *
 * `answers` may also be a list of `{ "question_id": "q_nps", "value": 9 }`. Which question holds
 * which score is configured on the webhook URL: `?nps=q_nps&csat=q_csat&comment=q_comment`
 * (default: questions named `nps`, `csat`, `ces`, `comment`, `expectation`, `experience`).
 */
export const surveyAdapter: WebhookAdapter = {
  name: "survey",
  summary: "Survey-tool webhook (response submitted)",
  description:
    "A survey response: respondent, answers by question id, submitted_at. Query parameters name the questions " +
    "holding nps / csat / ces / comment and the touchpoint; the mapped event is a survey.response.",
  queryParameters: {
    touchpoint: "Touchpoint when the payload has none (slug, e.g. delivery).",
    channel: "Channel when the payload has none (default survey).",
    survey_id: "Survey id when the payload has none.",
    nps: "Question id of the 0–10 NPS question (default nps).",
    csat: "Question id of the 1–5 CSAT question (default csat).",
    ces: "Question id of the 1–7 CES question (default ces).",
    comment: "Question id of the free-text comment (default comment).",
    expectation: "Question id of the 1–5 expectation question (default expectation).",
    experience: "Question id of the 1–5 experience question (default experience).",
  },
  answers: { path: "answers", idKeys: ["question_id", "questionId", "id"], valueKeys: ["value", "answer", "score"] },
  rules: [
    { to: "id", from: [{ path: "response_id" }, { path: "id" }], as: "string" },
    { to: "type", from: [{ const: "survey.response" }] },
    { to: "schemaVersion", from: [{ const: 1 }] },
    { to: "occurredAt", from: [{ path: "submitted_at" }, { path: "completed_at" }], as: "datetime" },
    { to: "source", from: [{ principal: "source" }] },
    { to: "touchpoint", from: [{ path: "touchpoint" }, { path: "metadata.touchpoint" }, { query: "touchpoint" }], as: "slug" },
    { to: "channel", from: [{ path: "channel" }, { path: "metadata.channel" }, { query: "channel" }, { const: "survey" }], as: "slug" },
    { to: "customer.id", from: [{ path: "respondent.id" }, { path: "respondent_id" }], as: "string" },
    { to: "customer.segment", from: [{ path: "respondent.segment" }], as: "slug" },
    { to: "customer.valueTier", from: [{ path: "respondent.value_tier" }], as: "slug" },
    { to: "journey.stage", from: [{ path: "metadata.journey_stage" }], as: "slug" },
    { to: "body.surveyId", from: [{ path: "survey_id" }, { query: "survey_id" }], as: "string" },
    { to: "body.nps", from: [{ answer: "nps" }], as: "int" },
    { to: "body.csat", from: [{ answer: "csat" }], as: "int" },
    { to: "body.ces", from: [{ answer: "ces" }], as: "int" },
    { to: "body.expectation", from: [{ answer: "expectation" }], as: "int" },
    { to: "body.experience", from: [{ answer: "experience" }], as: "int" },
    { to: "body.comment", from: [{ answer: "comment" }], as: "string" },
  ],
};
