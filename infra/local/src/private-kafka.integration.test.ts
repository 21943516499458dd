import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isAlive } from "./child-process";
import type { KafkaHandle } from "./kafka";
import { isPortOpen } from "./net";
import { startPrivateKafka } from "./private-kafka";
import { defaultPartitioner, testKafka } from "./test-clients";

const root = fileURLToPath(new URL("../../../", import.meta.url));
let broker: KafkaHandle;

beforeAll(async () => {
  broker = await startPrivateKafka({ root });
});
afterAll(async () => {
  await broker?.stop();
});

async function readAll(brokers: string[], topic: string, expected: number): Promise<string[]> {
  const kafka = testKafka(brokers, "private-reader");
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}` });
  await consumer.connect();
  const values: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${values.length}/${expected}`)),
        30_000,
      );
      void consumer.run({
        eachMessage: ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === expected) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

async function produce(brokers: string[], topic: string, values: string[]): Promise<void> {
  const producer = testKafka(brokers, "private-writer").producer({
    idempotent: true,
    createPartitioner: defaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

describe("private broker", () => {
  it("runs on its own ports, away from the shared test broker", () => {
    expect(broker.brokers[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(broker.brokers[0]).not.toBe(inject("stack").KAFKA_BROKERS);
    expect(broker.reused).toBe(false);
  });

  it("keeps acknowledged messages across a clean stop/restart and across a SIGKILL", async () => {
    const admin = testKafka(broker.brokers, "private-admin").admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: "durable", numPartitions: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    await produce(broker.brokers, "durable", ["a", "b", "c"]);

    const firstPid = broker.pid;
    await broker.stop();
    expect(isAlive(firstPid)).toBe(false);
    expect(await isPortOpen(Number(broker.brokers[0]!.split(":")[1]))).toBe(false);

    await broker.restart();
    expect(broker.pid).not.toBe(firstPid);
    await produce(broker.brokers, "durable", ["d"]);
    expect(await readAll(broker.brokers, "durable", 4)).toEqual(["a", "b", "c", "d"]);

    // A crash: the JVM gets no chance to flush; acks=all writes still survive (log recovery).
    const secondPid = broker.pid;
    await broker.kill();
    expect(isAlive(secondPid)).toBe(false);
    await broker.restart();
    expect(await readAll(broker.brokers, "durable", 4)).toEqual(["a", "b", "c", "d"]);
  });
});
