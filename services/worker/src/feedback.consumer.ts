import type { BatchConsumer, EachBatchPayload } from "@pulse/kafka";
import type { Logger } from "@pulse/kit";
import { splitChunks } from "./chunks";
import type { IntentStore } from "./intents";
import type { WorkerMetrics } from "./metrics";
import { processChunk, type ChunkDeps, type InMessage } from "./pipeline";

export interface ConsumerLoopDeps extends ChunkDeps {
  intents: IntentStore;
  maxChunk: number;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Commits `offset` (the next offset to read) for a partition; only called after the chunk is durable. */
  commit: (partition: number, offset: string) => Promise<void>;
}

/**
 * The only place that talks to the consumer: cuts each fetched partition batch into
 * deterministic chunks, processes them and commits after each one (exactly-once note in chunks.ts).
 */
const RATE_WINDOW_MS = 10_000;

export function createEachBatch(deps: ConsumerLoopDeps) {
  /** (time, events) of the chunks of the last RATE_WINDOW_MS, all partitions together. */
  const recent: [number, number][] = [];
  return async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const known = await deps.intents.recent(batch.topic, batch.partition);
    const { chunks, stopAt } = splitChunks(batch.messages as InMessage[], deps.maxChunk, known, BigInt(batch.highWatermark));
    for (const chunk of chunks) {
      if (!isRunning() || isStale()) return;
      const started = process.hrtime.bigint();
      if (!chunk.replayed) await deps.intents.record(batch.topic, batch.partition, chunk);
      const out = await processChunk(batch.partition, chunk, deps);
      await deps.commit(batch.partition, String(chunk.end + 1n));
      resolveOffset(String(chunk.end));
      const now = Date.now();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.chunkSeconds.observe(seconds);
      if (out.inserted > 0) deps.metrics.insertSeconds.observe(out.insertSeconds);
      recent.push([now, out.inserted]);
      while ((recent[0]?.[0] ?? now) < now - RATE_WINDOW_MS) recent.shift();
      deps.metrics.eventsPerSecond.set(recent.reduce((n, [, c]) => n + c, 0) / (RATE_WINDOW_MS / 1000));
      deps.metrics.chunkSize.observe(chunk.messages.length);
      deps.metrics.events.inc({ partition: String(batch.partition) }, out.inserted);
      deps.metrics.duplicates.inc(out.duplicates);
      deps.metrics.verdicts.inc({ source: "repeat" }, out.verdicts);
      for (const d of out.deadLetters) deps.metrics.deadLetters.inc({ reason: d.reason }, d.count);
      for (const t of out.producedAt) if (t > 0) deps.metrics.freshness.observe(Math.max(0, (now - t) / 1000));
      deps.metrics.lag.set({ partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - chunk.end - 1n));
      deps.logger.debug({ partition: batch.partition, start: String(chunk.start), end: String(chunk.end), ...out, producedAt: undefined, ms: Math.round(seconds * 1000) }, "chunk done");
      await heartbeat();
    }
    if (stopAt !== null) deps.logger.warn({ partition: batch.partition, stopAt: String(stopAt) }, "waiting for the rest of a recorded chunk before going on");
  };
}

export type { BatchConsumer };
