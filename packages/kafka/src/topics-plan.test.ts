import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prefixTopics } from "./topic-setup";
import { parseTopicsFile, planTopics, type ExistingTopic } from "./topics-plan";

const file = parseTopicsFile({
  topics: [
    { name: "a.v1", partitions: 6, configs: { "retention.ms": "1000" } },
    { name: "b.v1", partitions: 3 },
  ],
});

describe("planTopics", () => {
  it("creates every topic on an empty broker", () => {
    const actions = planTopics(file, new Map());
    expect(actions.map((a) => a.kind)).toEqual(["create", "create"]);
    expect(actions[1]).toEqual({
      kind: "create",
      spec: { name: "b.v1", partitions: 3, configs: {} },
    });
  });

  it("does nothing when the broker already matches (idempotent)", () => {
    const existing = new Map<string, ExistingTopic>([
      ["a.v1", { partitions: 6, configs: { "retention.ms": "1000", "cleanup.policy": "delete" } }],
      ["b.v1", { partitions: 3, configs: {} }],
    ]);
    expect(planTopics(file, existing)).toEqual([]);
  });

  it("raises partitions and resets drifted configs", () => {
    const existing = new Map<string, ExistingTopic>([
      ["a.v1", { partitions: 2, configs: { "retention.ms": "5" } }],
      ["b.v1", { partitions: 3, configs: {} }],
    ]);
    expect(planTopics(file, existing)).toEqual([
      { kind: "add-partitions", name: "a.v1", from: 2, to: 6 },
      {
        kind: "set-configs",
        name: "a.v1",
        configs: { "retention.ms": "1000" },
        changed: ["retention.ms"],
      },
    ]);
  });

  it("never shrinks a topic: it warns instead", () => {
    const existing = new Map<string, ExistingTopic>([
      ["a.v1", { partitions: 6, configs: { "retention.ms": "1000" } }],
      ["b.v1", { partitions: 8, configs: {} }],
    ]);
    const actions = planTopics(file, existing);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "warn", name: "b.v1" });
  });
});

describe("parseTopicsFile", () => {
  it("accepts the repository's infra/kafka/topics.json", () => {
    const json: unknown = JSON.parse(
      readFileSync(new URL("../../../infra/kafka/topics.json", import.meta.url), "utf8"),
    );
    const parsed = parseTopicsFile(json);
    expect(parsed.topics.map((t) => [t.name, t.partitions])).toEqual([
      ["pulse.feedback.v1", 6],
      ["pulse.feedback.dlq.v1", 3],
    ]);
  });

  it("names the broken field", () => {
    expect(() =>
      parseTopicsFile({ topics: [{ name: "bad name", partitions: 0 }] }, "x.json"),
    ).toThrow(/x\.json is invalid: topics\.0\.name: .*topics\.0\.partitions/);
  });

  it("rejects duplicate topic names", () => {
    expect(() =>
      parseTopicsFile({
        topics: [
          { name: "a", partitions: 1 },
          { name: "a", partitions: 2 },
        ],
      }),
    ).toThrow(/unique/);
  });
});

describe("prefixTopics", () => {
  it("prefixes every name and overrides partitions by role only", () => {
    const declared = parseTopicsFile({
      topics: [
        { name: "pulse.feedback.v1", partitions: 6, configs: { "retention.ms": "1" } },
        { name: "pulse.feedback.dlq.v1", partitions: 3 },
      ],
    });
    expect(prefixTopics(declared, "t1.", { feedback: 2 })).toEqual({
      topics: [
        { name: "t1.pulse.feedback.v1", partitions: 2, configs: { "retention.ms": "1" } },
        { name: "t1.pulse.feedback.dlq.v1", partitions: 3, configs: {} },
      ],
    });
  });
});
