import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { silentLogger } from "@pulse/kit";
import { createKafka, declaredTopics, ensureTopics, type Kafka, type TopicsFile } from "./index";

// The one topic set-up, against the real broker of the integration global setup.
const brokers = inject("stack").KAFKA_BROKERS.split(",");
let kafka: Kafka;
const admin = () => kafka.admin();
let a: ReturnType<typeof admin>;

async function partitionsOf(name: string): Promise<number | undefined> {
  const meta = await a.fetchTopicMetadata({ topics: [name] });
  return meta.topics[0]?.partitions.length;
}

async function configOf(name: string, key: string): Promise<string | undefined> {
  const configs = await a.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name, configNames: [key] }],
  });
  return configs.resources[0]?.configEntries[0]?.configValue;
}

beforeAll(async () => {
  kafka = createKafka({ brokers, clientId: "topic-setup-test", logger: silentLogger });
  a = admin();
  await a.connect();
});
afterAll(() => a.disconnect());

describe("ensureTopics against a real broker", () => {
  it("creates the declared topics under a prefix with their configs, then finds nothing to do", async () => {
    const prefix = `it-setup-${randomUUID().slice(0, 8)}.`;
    const lines: string[] = [];
    const actions = await ensureTopics(kafka, declaredTopics(prefix), {
      progress: (l) => lines.push(l),
    });
    expect(actions.map((x) => [x.kind, x.kind === "create" ? x.spec.name : ""])).toEqual([
      ["create", `${prefix}pulse.feedback.v1`],
      ["create", `${prefix}pulse.feedback.dlq.v1`],
    ]);
    expect(lines).toEqual([
      `topics: created ${prefix}pulse.feedback.v1 (6 partitions)`,
      `topics: created ${prefix}pulse.feedback.dlq.v1 (3 partitions)`,
    ]);
    expect(await partitionsOf(`${prefix}pulse.feedback.v1`)).toBe(6);
    expect(await partitionsOf(`${prefix}pulse.feedback.dlq.v1`)).toBe(3);
    expect(await configOf(`${prefix}pulse.feedback.dlq.v1`, "retention.ms")).toBe("2592000000");
    expect(await ensureTopics(kafka, declaredTopics(prefix))).toEqual([]);
  });

  it("honours per-role partition counts (what tests ask for)", async () => {
    const prefix = `it-setup-${randomUUID().slice(0, 8)}.`;
    await ensureTopics(kafka, declaredTopics(prefix, { feedback: 2, deadLetters: 1 }));
    expect(await partitionsOf(`${prefix}pulse.feedback.v1`)).toBe(2);
    expect(await partitionsOf(`${prefix}pulse.feedback.dlq.v1`)).toBe(1);
    expect(await configOf(`${prefix}pulse.feedback.v1`, "retention.ms")).toBe("604800000");
  });

  it("raises partitions and updates configs when the declaration grows, never shrinks", async () => {
    const name = `it-setup-grow-${randomUUID().slice(0, 8)}`;
    const v1: TopicsFile = {
      topics: [{ name, partitions: 2, configs: { "retention.ms": "3600000" } }],
    };
    const v2: TopicsFile = {
      topics: [{ name, partitions: 5, configs: { "retention.ms": "7200000" } }],
    };
    expect((await ensureTopics(kafka, v1)).map((x) => x.kind)).toEqual(["create"]);
    expect((await ensureTopics(kafka, v2)).map((x) => x.kind)).toEqual([
      "add-partitions",
      "set-configs",
    ]);
    expect(await partitionsOf(name)).toBe(5);
    expect(await configOf(name, "retention.ms")).toBe("7200000");
    expect(await ensureTopics(kafka, v2)).toEqual([]);
    // Back to 2 in the file: Kafka cannot remove partitions, so it only warns and keeps 5.
    const back = await ensureTopics(kafka, { topics: [{ ...v2.topics[0]!, partitions: 2 }] });
    expect(back.map((x) => x.kind)).toEqual(["warn"]);
    expect(await partitionsOf(name)).toBe(5);
  });
});
