import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { answerStatus, buildAnswer } from "./answer";
import { classifyItems } from "./ingest";

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
