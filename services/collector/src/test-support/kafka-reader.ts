/**
 * Integration-test helper: a consumer (own group, from the beginning, never committing) that
 * collects every message of a topic, and `caughtUp()` which waits until it has read up to the
 * high watermark of every partition at the time of the call. After a 200 answer the events are
 * acknowledged, so once caught up, "not seen" really means "not in Kafka".
 */
import { randomUUID } from "node:crypto";
import { createBatchConsumer, type Kafka } from "@pulse/kafka";
import type { FeedbackEvent, WireMessage } from "@pulse/contract";

/** A message on pulse.feedback.v1 as the collector wrote it (the contract's wire message). */
export type CollectorMessage = Omit<WireMessage, "event"> & { event: FeedbackEvent };

export interface Received {
  key: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  message: CollectorMessage;
}

export interface TopicReader {
  readonly received: Received[];
  caughtUp(timeoutMs?: number): Promise<Received[]>;
  stop(): Promise<void>;
}

export async function startTopicReader(kafka: Kafka, topic: string): Promise<TopicReader> {
  const received: Received[] = [];
  const next = new Map<number, bigint>();
  const consumer = createBatchConsumer(kafka, {
    groupId: `collector-it-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: 6,
    eachBatch: async (payload) => {
      const { batch } = payload;
      for (const m of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
        received.push({
          key: m.key?.toString("utf8") ?? "",
          partition: batch.partition,
          offset: m.offset,
          headers,
          message: JSON.parse(m.value?.toString("utf8") ?? "null") as CollectorMessage,
        });
        next.set(batch.partition, BigInt(m.offset) + 1n);
        // Moves the in-memory position (nothing is committed: the group is throw-away).
        payload.resolveOffset(m.offset);
      }
      await payload.heartbeat();
    },
  });
  await consumer.start();
  const admin = kafka.admin();
  await admin.connect();
  return {
    received,
    async caughtUp(timeoutMs = 30_000) {
      const ends = await admin.fetchTopicOffsets(topic);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const behind = ends.filter((e) => (next.get(e.partition) ?? 0n) < BigInt(e.high) && BigInt(e.high) > BigInt(e.low));
        if (behind.length === 0) return received;
        if (Date.now() > deadline) throw new Error(`reader not caught up on ${topic}: partitions ${behind.map((b) => b.partition).join(",")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await admin.disconnect();
      await consumer.stop();
    },
  };
}
