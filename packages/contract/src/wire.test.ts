import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "./fixtures";
import { DEFAULT_MIN_OCCURRED_AT, WIRE_VERSION, decodeWire, encodeWire, validateEvent } from "./index";

const receivedAt = new Date("2025-03-14T09:30:00.000Z");

describe("encodeWire / decodeWire", () => {
  it("round-trips an event with its tenant, source and receivedAt; the key keeps a customer on one partition", () => {
    const event = makeSampleEvent("survey.response");
    const { key, value } = encodeWire({ tenant: "acme.eu", source: "web", receivedAt, event });
    expect(key).toBe(`acme.eu:${event.customer.id}`);
    expect(JSON.parse(value)).toMatchObject({ v: WIRE_VERSION, tenant: "acme.eu", source: "web", receivedAt: receivedAt.toISOString() });
    const d = decodeWire(Buffer.from(value));
    expect(d).toEqual({ ok: true, value: { v: 1, tenant: "acme.eu", source: "web", receivedAt, event } });
  });

  it("decodes a message written before the codec existed (the collector's literal envelope of today)", () => {
    // Bytes exactly as services/collector/src/message.ts wrote them: key order, no extra fields.
    const event = makeSampleEvent("call.completed");
    const old = `{"v":1,"tenant":"acme","source":"acd","receivedAt":"2025-03-14T09:30:00.000Z","event":${JSON.stringify(event)}}`;
    const d = decodeWire(Buffer.from(old, "utf8"));
    expect(d.ok && d.value).toEqual({ v: 1, tenant: "acme", source: "acd", receivedAt, event });
  });

  it("refuses to encode a tenant that breaks the TenantId rule", () => {
    expect(() => encodeWire({ tenant: "Acme", source: "web", receivedAt, event: makeSampleEvent("survey.response") })).toThrow(/tenant "Acme" must be 1–64/);
  });

  it.each([
    [null, "empty_message", ""],
    [Buffer.alloc(0), "empty_message", ""],
    [Buffer.from("{nope"), "invalid_json", ""],
    [Buffer.from("[1]"), "invalid_envelope", ""],
    [Buffer.from('{"v":2,"tenant":"a","source":"s","receivedAt":"2025-01-01T00:00:00Z","event":{}}'), "invalid_envelope", "v"],
    [Buffer.from('{"v":1,"tenant":"a:b","source":"s","receivedAt":"2025-01-01T00:00:00Z","event":{}}'), "invalid_envelope", "tenant"],
    [Buffer.from('{"v":1,"tenant":"a","source":"","receivedAt":"2025-01-01T00:00:00Z","event":{}}'), "invalid_envelope", "source"],
    [Buffer.from('{"v":1,"tenant":"a","source":"s","receivedAt":"yesterday","event":{}}'), "invalid_envelope", "receivedAt"],
    [Buffer.from('{"v":1,"tenant":"a","source":"s","receivedAt":"2025-01-01T00:00:00Z","event":{}}'), "invalid_event", "event.schemaVersion"],
  ])("types the error of %s as %s at %j", (value, code, path) => {
    const d = decodeWire(value);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.error.code).toBe(code);
      expect(d.error.path).toBe(path);
      expect(d.error.message.length).toBeGreaterThan(0);
    }
  });

  it("rejects a message over the size limit as too_large", () => {
    const d = decodeWire(Buffer.alloc(1024 * 1024 + 1, 0x20));
    expect(!d.ok && d.error.code).toBe("too_large");
  });

  it("accepts acme.eu (a tenant the API keys accept) and names the rule for a bad one", () => {
    const event = makeSampleEvent("survey.response");
    expect(decodeWire(encodeWire({ tenant: "acme.eu", source: "s", receivedAt, event }).value).ok).toBe(true);
    const bad = decodeWire(JSON.stringify({ v: 1, tenant: "ACME", source: "s", receivedAt: receivedAt.toISOString(), event }));
    expect(!bad.ok && bad.error.message).toMatch(/^tenant must be 1–64 characters/);
  });
});

describe("occurredAt bounds", () => {
  const at = (occurredAt: string) => makeSampleEvent("survey.response", { occurredAt });
  const now = new Date("2026-01-01T00:00:00Z");

  it.each(["0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1969-07-20T20:17:00Z", "1970-01-01T00:59:59+01:00"])("rejects %s with timestamp_too_early naming the field and the bound", (t) => {
    const r = validateEvent(at(t), { now });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual([{ code: "timestamp_too_early", path: "occurredAt", message: `occurredAt must not be before 1970-01-01T00:00:00.000Z (got ${t})` }]);
  });

  it("accepts the bound itself (and the bank sample's 1999) and takes a configured bound", () => {
    expect(validateEvent(at("1970-01-01T00:00:00Z"), { now }).ok).toBe(true);
    expect(validateEvent(at("1999-02-01T07:02:47+02:00"), { now }).ok).toBe(true);
    expect(DEFAULT_MIN_OCCURRED_AT.toISOString()).toBe("1970-01-01T00:00:00.000Z");
    const minOccurredAt = new Date("2020-01-01T00:00:00Z");
    const r = validateEvent(at("2019-06-01T00:00:00Z"), { now, minOccurredAt });
    expect(!r.ok && r.error[0]?.message).toBe("occurredAt must not be before 2020-01-01T00:00:00.000Z (got 2019-06-01T00:00:00Z)");
    expect(validateEvent(at("1999-06-01T00:00:00Z"), { now, minOccurredAt: new Date("2000-01-01T00:00:00Z") }).ok).toBe(false);
  });

  it("applies the same bound to body.resolvedAt", () => {
    const e = makeSampleEvent("complaint.resolved", { body: { resolvedAt: "1969-07-20T20:17:00Z" } });
    const r = validateEvent(e, { now });
    expect(!r.ok && r.error.map((i) => [i.code, i.path])).toEqual([["timestamp_too_early", "body.resolvedAt"]]);
  });

  it("the worker's decode applies it too, with the event path and code in the message", () => {
    const event = { ...makeSampleEvent("survey.response"), occurredAt: "1969-12-31T00:00:00Z" };
    const d = decodeWire(JSON.stringify({ v: 1, tenant: "acme", source: "s", receivedAt: receivedAt.toISOString(), event }));
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.error).toMatchObject({ code: "invalid_event", path: "event.occurredAt" });
      expect(d.error.message).toBe("occurredAt: timestamp_too_early: occurredAt must not be before 1970-01-01T00:00:00.000Z (got 1969-12-31T00:00:00Z)");
    }
    const later = decodeWire(JSON.stringify({ v: 1, tenant: "acme", source: "s", receivedAt: receivedAt.toISOString(), event: { ...event, occurredAt: "2019-01-01T00:00:00Z" } }), { minOccurredAt: new Date("2020-01-01T00:00:00Z") });
    expect(!later.ok && later.error.issues?.[0]?.code).toBe("timestamp_too_early");
  });
});
