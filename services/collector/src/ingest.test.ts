import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { answerStatus, buildAnswer } from "./answer";
import { classifyItems, REQUEST_ISSUE_BUDGET } from "./ingest";

const now = new Date("2025-06-01T12:00:00Z");
const item = (value: unknown) => ({ ok: true as const, value });

describe("classifyItems", () => {
  it("validates every item with the contract and keeps the first of repeated ids", () => {
    const a = makeSampleEvent("survey.response");
    const bad = { ...makeSampleEvent("call.completed"), body: { queue: "billing" } };
    const out = classifyItems([item(a), item(bad), item({ ...a }), item(makeSampleEvent("contact.completed"))], { now });
    expect(out.map((o) => o.status)).toEqual(["valid", "rejected", "duplicate", "valid"]);
    expect(out[1]).toMatchObject({ status: "rejected", id: bad.id });
    const errors = out[1]?.status === "rejected" ? out[1].errors : [];
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(["body.waitSeconds", "body.handleSeconds", "body.abandoned"]));
  });

  it("does not count a rejected event as the first of its id", () => {
    const a = makeSampleEvent("survey.response");
    const out = classifyItems([item({ ...a, channel: "nope" }), item(a)], { now });
    expect(out.map((o) => o.status)).toEqual(["rejected", "valid"]);
  });

  it("reports body-level and contract issues of an event with a __proto__ key together", () => {
    const value = JSON.parse(JSON.stringify({ ...makeSampleEvent("survey.response"), channel: "nope" }).replace('"attributes":{', '"attributes":{"__proto__":{"polluted":true},')) as unknown;
    const out = classifyItems([{ ok: false, value, issues: [{ code: "forbidden_key", path: "attributes.__proto__", message: "m" }] }], { now });
    expect(out[0]?.status).toBe("rejected");
    const errors = out[0]?.status === "rejected" ? out[0].errors : [];
    expect(errors.filter((e) => e.code === "forbidden_key")).toHaveLength(1);
    expect(errors.some((e) => e.path === "channel")).toBe(true);
  });
});

describe("buildAnswer / answerStatus", () => {
  it("reports by index and picks 200 / 207 / 400", () => {
    const a = makeSampleEvent("survey.response");
    const b = makeSampleEvent("survey.response");
    const outcomes = classifyItems([item(a), item(b), item({})], { now });
    const answer = buildAnswer(outcomes, new Set([b.id]));
    expect(answer).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect(answer.results.map((r) => [r.index, r.status])).toEqual([
      [0, "accepted"],
      [1, "duplicate"],
      [2, "rejected"],
    ]);
    expect(answerStatus(answer)).toBe(207);
    expect(answerStatus({ accepted: 0, duplicates: 2, rejected: 0 })).toBe(200);
    expect(answerStatus({ accepted: 0, duplicates: 0, rejected: 2 })).toBe(400);
    expect(answerStatus({ accepted: 0, duplicates: 1, rejected: 2 })).toBe(207);
  });
});

describe("answers stay small whatever is sent", () => {
  it("lists at most 1000 issues per request; every later rejected event still gets its first issue and a count", () => {
    const items = Array.from({ length: 2000 }, () => item({}));
    const outcomes = classifyItems(items, { now });
    const rejected = outcomes.filter((o) => o.status === "rejected");
    expect(rejected).toHaveLength(2000);
    const listed = rejected.flatMap((o) => o.errors.filter((e) => e.code !== "too_many_issues"));
    // The budget is spent by the events before it runs out, then one issue per event.
    const first = rejected[0]?.errors.length ?? 0;
    expect(first).toBeGreaterThan(1);
    const spentAfter = Math.ceil(REQUEST_ISSUE_BUDGET / first);
    expect(listed.length).toBeLessThanOrEqual(REQUEST_ISSUE_BUDGET + first + (2000 - spentAfter));
    const last = rejected[1999];
    expect(last?.errors).toHaveLength(2);
    expect(last?.errors[1]).toMatchObject({ code: "too_many_issues", path: "" });
    expect(last?.errors[1]?.message).toMatch(/^event has \d+ more issues?, not listed/);
    // An answer of a 6 KB body of 2000 broken events stays within a few hundred bytes per event.
    expect(JSON.stringify(outcomes).length).toBeLessThan(2000 * 400);
  });

  it("never echoes a huge unknown key: it is shown by its start and length", () => {
    const key = "k".repeat(1_000_000);
    const [o] = classifyItems([item({ ...makeSampleEvent("survey.response"), [key]: 1 })], { now });
    expect(o?.status).toBe("rejected");
    const errors = o?.status === "rejected" ? o.errors : [];
    expect(errors[0]).toMatchObject({ code: "unknown_field", path: `["${"k".repeat(32)}…(1000000 characters)"]` });
    expect(JSON.stringify(errors).length).toBeLessThan(500);
  });
});
