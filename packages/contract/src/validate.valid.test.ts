import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "./fixtures";
import { EVENT_TYPES } from "./event";
import type { FeedbackEvent } from "./event";
import { eventPartitionKey } from "./partition";
import { validateEvent } from "./validate";

const NOW = new Date("2025-03-15T00:00:00Z");

function expectValid(input: unknown): FeedbackEvent {
  const r = validateEvent(input, { now: NOW });
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.error)}`);
  return r.value;
}

describe("valid events", () => {
  it.each(EVENT_TYPES)("accepts a realistic %s sample and returns it unchanged", (type) => {
    const sample = makeSampleEvent(type);
    const value = expectValid(sample);
    expect(value).toEqual(sample);
    expect(value.type).toBe(type);
  });

  it("accepts a minimal event of every type (only required fields)", () => {
    const minimal: unknown[] = [
      { type: "survey.response", body: { surveyId: "s1", ces: 7 } },
      {
        type: "call.completed",
        channel: "ivr",
        body: {
          queue: "q",
          waitSeconds: 0,
          handleSeconds: 0,
          holdSeconds: 0,
          transfers: 0,
          abandoned: true,
        },
      },
      { type: "contact.completed", channel: "store", body: { handleSeconds: 60 } },
      {
        type: "complaint.opened",
        body: { complaintId: "c1", category: "billing", severity: "low", text: "x" },
      },
      {
        type: "complaint.resolved",
        body: { complaintId: "c1", resolution: "withdrawn", resolvedAt: "2025-03-14T10:00:00Z" },
      },
    ];
    for (const m of minimal) {
      const event = {
        id: "e-1",
        occurredAt: "2025-03-14T10:00:00Z",
        source: "unit test",
        touchpoint: "web",
        channel: "web",
        customer: { id: "c-1" },
        schemaVersion: 1,
        ...(m as object),
      };
      expectValid(event);
    }
  });

  it("accepts each score alone, boundary values and every expectation/experience value", () => {
    for (const body of [
      { nps: 0 },
      { nps: 10 },
      { csat: 1 },
      { csat: 5 },
      { ces: 1 },
      { ces: 7 },
    ]) {
      expectValid(
        makeSampleEvent("survey.response", {
          body: { nps: undefined, csat: undefined, ces: undefined, ...body },
        }),
      );
    }
    for (const v of [1, 2, 3, 4, 5]) {
      expectValid(makeSampleEvent("survey.response", { body: { expectation: v, experience: v } }));
    }
  });

  it("accepts offsets written as Z, +hh:mm and -hh:mm, with any fraction of a second", () => {
    for (const occurredAt of [
      "2025-03-14T10:00:00Z",
      "2025-03-14T10:00:00.123456-05:30",
      "2025-03-14T23:59:59+14:00",
    ]) {
      expectValid(makeSampleEvent("call.completed", { occurredAt }));
    }
  });

  it("accepts a timestamp up to the allowed skew in the future, and a custom skew", () => {
    const justInside = new Date(NOW.getTime() + 24 * 3600_000).toISOString();
    expectValid(makeSampleEvent("survey.response", { occurredAt: justInside }));
    const r = validateEvent(
      makeSampleEvent("survey.response", { occurredAt: "2025-03-20T00:00:00Z" }),
      {
        now: NOW,
        maxFutureSkewMs: 7 * 24 * 3600_000,
      },
    );
    expect(r.ok).toBe(true);
  });

  it("accepts 50 attributes of every scalar kind", () => {
    const attributes: Record<string, string | number | boolean | null> = {};
    for (let i = 0; i < 50; i++)
      attributes[`k${i}`] = [`v${i}`, i, i % 2 === 0, null][i % 4] ?? null;
    expectValid(makeSampleEvent("contact.completed", { attributes }));
  });

  it("the returned value is a new object that carries no prototype-polluting keys", () => {
    const sample = makeSampleEvent("complaint.opened");
    const value = expectValid(sample);
    expect(value).not.toBe(sample);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe("makeSampleEvent", () => {
  it("gives every sample a fresh id and applies envelope and body overrides", () => {
    const a = makeSampleEvent("call.completed");
    const b = makeSampleEvent("call.completed", { touchpoint: "ivr", body: { transfers: 2 } });
    expect(a.id).not.toBe(b.id);
    expect(b.touchpoint).toBe("ivr");
    expect(b.body.transfers).toBe(2);
    expect(b.body.queue).toBe(a.body.queue);
  });

  it("removes optional fields overridden with undefined", () => {
    const e = makeSampleEvent("call.completed", { agent: undefined, body: { topic: undefined } });
    expect("agent" in e).toBe(false);
    expect("topic" in e.body).toBe(false);
    expectValid(e);
  });
});

describe("eventPartitionKey", () => {
  it("is tenant:customerId", () => {
    const e = makeSampleEvent("survey.response", { customer: { id: "cus-42" } });
    expect(eventPartitionKey("acme", e)).toBe("acme:cus-42");
  });
});
