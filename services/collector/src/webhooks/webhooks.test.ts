import { describe, expect, it } from "vitest";
import { validateEvent } from "@pulse/contract";
import { callEndedAdapter, issueTranslator, mapPayload, surveyAdapter } from "./index";

const ctx = (query: Record<string, string> = {}) => ({ query, source: "survey-tool" });
const now = new Date("2025-06-01T12:00:00Z");

function mapped(adapter: typeof surveyAdapter, payload: unknown, query: Record<string, string> = {}) {
  const item = mapPayload(adapter, payload, ctx(query));
  if (!item.ok) throw new Error("not mapped");
  return item.value;
}

describe("survey webhook mapping", () => {
  const payload = {
    response_id: "resp-1001",
    survey_id: "post-delivery-v3",
    submitted_at: "2025-03-14T09:30:00Z",
    respondent: { id: "cus_8f14", segment: "Retail" },
    answers: { q_nps: 9, q_csat: "4", q_comment: "Quick and friendly", q_other: "ignored" },
  };

  it("maps answers by the question ids named on the URL", () => {
    const event = mapped(surveyAdapter, payload, { nps: "q_nps", csat: "q_csat", comment: "q_comment", touchpoint: "delivery" });
    expect(event).toEqual({
      id: "resp-1001",
      type: "survey.response",
      schemaVersion: 1,
      occurredAt: "2025-03-14T09:30:00Z",
      source: "survey-tool",
      touchpoint: "delivery",
      channel: "survey",
      customer: { id: "cus_8f14", segment: "retail" },
      body: { surveyId: "post-delivery-v3", nps: 9, csat: 4, comment: "Quick and friendly" },
    });
    expect(validateEvent(event, { now }).ok).toBe(true);
  });

  it("reads answer lists and epoch timestamps", () => {
    const event = mapped(surveyAdapter, {
      ...payload,
      submitted_at: 1741944600,
      touchpoint: "store",
      answers: [
        { question_id: "ces", value: 6 },
        { question_id: "nps", value: "10" },
      ],
    });
    expect(event).toMatchObject({ occurredAt: "2025-03-14T09:30:00.000Z", touchpoint: "store", body: { nps: 10, ces: 6 } });
    expect(validateEvent(event, { now }).ok).toBe(true);
  });

  it("reports issues under the webhook's own field names", () => {
    const q = { nps: "q_nps" };
    const event = mapped(surveyAdapter, { ...payload, answers: { q_nps: 12 } }, q);
    const r = validateEvent(event, { now });
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.error.map(issueTranslator(surveyAdapter, ctx(q)));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "too_big", path: "answers.q_nps" }),
        expect.objectContaining({ code: "missing_field", path: "touchpoint", message: expect.stringContaining("metadata.touchpoint or ?touchpoint") as unknown }),
      ]),
    );
  });

  it("never reads inherited properties through a question id", () => {
    const event = mapped(surveyAdapter, payload, { nps: "constructor", csat: "__proto__" });
    expect((event as { body: Record<string, unknown> }).body.nps).toBeUndefined();
    expect((event as { body: Record<string, unknown> }).body.csat).toBeUndefined();
  });

  it("rejects a payload that is not an object", () => {
    expect(mapPayload(surveyAdapter, [1, 2], ctx())).toMatchObject({ ok: false, issues: [{ code: "invalid_type" }] });
  });
});

describe("call-ended webhook mapping", () => {
  it("maps a call record: handle = talk + hold + wrap, ms durations, defaults", () => {
    const event = mapped(callEndedAdapter, {
      call_id: "c-9912",
      caller_id: "cus_8f14",
      queue: "Billing Support",
      wait_ms: 74_500,
      talk_seconds: 377,
      hold_seconds: 35,
      wrap_seconds: 20,
      abandoned: "false",
      ended_at: "2025-03-14T09:30:00+01:00",
      agent: { id: "agt-1042", team: "billing-tier1" },
      resolved: true,
      disposition: "Invoice Dispute",
    });
    expect(event).toEqual({
      id: "c-9912",
      type: "call.completed",
      schemaVersion: 1,
      occurredAt: "2025-03-14T09:30:00+01:00",
      source: "survey-tool",
      touchpoint: "contact-centre",
      channel: "phone",
      customer: { id: "cus_8f14" },
      agent: { id: "agt-1042", team: "billing-tier1" },
      body: { queue: "billing-support", waitSeconds: 74.5, handleSeconds: 432, holdSeconds: 35, transfers: 0, abandoned: false, resolved: true, topic: "invoice-dispute" },
    });
    expect(validateEvent(event, { now }).ok).toBe(true);
  });

  it("leaves missing required fields to the contract, named by webhook field", () => {
    const event = mapped(callEndedAdapter, { call_id: "c-1", ended_at: "2025-03-14T09:30:00Z" });
    const r = validateEvent(event, { now });
    const paths = r.ok ? [] : r.error.map(issueTranslator(callEndedAdapter, ctx())).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["caller_id", "queue", "wait_seconds", "talk_seconds", "abandoned"]));
  });
});
