import { randomUUID } from "node:crypto";
import { consumerLag, createBatchConsumer, createProducer, type Kafka, type Topics } from "@pulse/kafka";
import { DLQ_HEADERS } from "./dead-letters";

export interface DeadLetter {
  partition: number;
  offset: string;
  reason: string;
  detail: string;
  source: string;
  failedAt: string;
  key: string | null;
  value: Buffer;
}

/**
 * Reads the dead-letter topic up to its current end with a throwaway group (listing commits
 * nothing) or with the re-drive group (each letter is re-driven once).
 */
async function readDeadLetters(kafka: Kafka, topics: Topics, groupId: string, onBatch: (letters: DeadLetter[]) => Promise<void>, timeoutMs: number): Promise<number> {
  const lag = await consumerLag(kafka, groupId, topics.deadLetters);
  const target = new Map(lag.map((p) => [p.partition, p.high]));
  const pending = new Set(lag.filter((p) => p.lag > 0n).map((p) => p.partition));
  if (pending.size === 0) return 0;
  let count = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const consumer = createBatchConsumer(kafka, {
    groupId,
    topics: [topics.deadLetters],
    eachBatch: async ({ batch, resolveOffset }) => {
      const letters: DeadLetter[] = [];
      const end = target.get(batch.partition) ?? 0n;
      for (const m of batch.messages) {
        if (BigInt(m.offset) >= end) break;
        const h = (k: string) => m.headers?.[k]?.toString() ?? "";
        letters.push({
          partition: batch.partition,
          offset: m.offset,
          reason: h(DLQ_HEADERS.reason),
          detail: h(DLQ_HEADERS.detail),
          source: `${h(DLQ_HEADERS.sourceTopic)}/${h(DLQ_HEADERS.sourcePartition)}@${h(DLQ_HEADERS.sourceOffset)}`,
          failedAt: h(DLQ_HEADERS.failedAt),
          key: m.key?.toString() ?? null,
          value: m.value ?? Buffer.alloc(0),
        });
        resolveOffset(m.offset);
      }
      await onBatch(letters);
      count += letters.length;
      const last = letters[letters.length - 1];
      if (last) await consumer.commit(topics.deadLetters, batch.partition, String(BigInt(last.offset) + 1n));
      if (!last || BigInt(last.offset) + 1n >= end) pending.delete(batch.partition);
      if (pending.size === 0) finish();
    },
  });
  await consumer.start();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  await consumer.stop();
  return count;
}

export async function listDeadLetters(kafka: Kafka, topics: Topics, opts: { timeoutMs?: number } = {}): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  await readDeadLetters(kafka, topics, `pulse-dlq-list-${randomUUID()}`, (l) => Promise.resolve(void out.push(...l)), opts.timeoutMs ?? 30_000);
  return out;
}

/**
 * Sends dead letters back to the feedback topic with their original key and bytes (after the
 * cause was fixed, e.g. a mapping or contract change). The worker validates them again; one that
 * still fails returns to the DLQ. The re-drive group's committed offsets make each letter go once.
 */
export async function redriveDeadLetters(kafka: Kafka, topics: Topics, opts: { reason?: string; timeoutMs?: number } = {}): Promise<{ redriven: number; skipped: number }> {
  const producer = createProducer(kafka);
  let redriven = 0;
  let skipped = 0;
  try {
    await readDeadLetters(
      kafka,
      topics,
      // One group per reason filter: letters skipped by a filtered run stay available to others.
      opts.reason ? `pulse-dlq-redrive-${opts.reason}` : "pulse-dlq-redrive",
      async (letters) => {
        const chosen = letters.filter((l) => !opts.reason || l.reason === opts.reason);
        skipped += letters.length - chosen.length;
        await producer.send(topics.feedback, chosen.map((l) => ({ key: l.key, value: l.value, headers: { "pulse-redriven-from": `${topics.deadLetters}/${l.partition}@${l.offset}` } })));
        redriven += chosen.length;
      },
      opts.timeoutMs ?? 60_000,
    );
  } finally {
    await producer.disconnect();
  }
  return { redriven, skipped };
}
