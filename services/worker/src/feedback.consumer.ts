import type { EachBatchPayload, OutMessage } from "@pulse/kafka";
import type { Logger } from "@pulse/kit";
import type { ChunkRanges } from "./chunk-ranges";
import { processChunk, stopwatch, type ChunkDeps, type ChunkResult, type InMessage, type StepSeconds } from "./chunk.process";
import { chunkToken, splitChunks, type Chunk } from "./chunks";
import { toDeadLetterMessage } from "./dead-letters";
import type { WorkerMetrics } from "./metrics";
import type { PartitionStatus } from "./partition-status";

export interface ConsumerLoopDeps extends ChunkDeps {
  ranges: ChunkRanges;
  maxChunk: number;
  logger: Logger;
  metrics: WorkerMetrics;
  status: PartitionStatus;
  /** Produces to the dead-letter topic (acks=all). */
  sendDeadLetters: (messages: OutMessage[]) => Promise<void>;
  /** Commits `offset` (the next offset to read) for a partition; only called after the chunk is applied. */
  commit: (partition: number, offset: string) => Promise<void>;
  /** A partition that has not advanced for this long is reported stalled (metric, error log, `pulse status`). */
  stallAfterMs: number;
  /** Backoff between attempts at a failing chunk: doubles from `min` up to `max`. */
  retry: { minMs: number; maxMs: number };
  now?: () => number;
}

const RATE_WINDOW_MS = 10_000;
/** kafkajs counts the session from the last heartbeat: a waiting retry sends one this often. */
const HEARTBEAT_EVERY_MS = 2_000;

/**
 * The consumer loop: the only code that talks to Kafka. Cuts each fetched partition batch into
 * deterministic chunks (exactly-once note in chunks.ts), has each processed, produces its dead
 * letters, records it as applied and commits its offset. A chunk that fails is retried with
 * backoff for as long as it takes (an accepted event is never skipped); the partition waits, the
 * others go on, and a partition that waits longer than `stallAfterMs` is reported as stalled.
 */
export function createEachBatch(deps: ConsumerLoopDeps) {
  const now = deps.now ?? Date.now;
  /** (time, events) of the chunks of the last RATE_WINDOW_MS, all partitions together. */
  const recent: [number, number][] = [];

  const observe = (partition: number, chunk: Chunk<InMessage>, out: ChunkResult, seconds: number, highWatermark: string, steps: StepSeconds) => {
    const t = now();
    const m = deps.metrics;
    for (const [step, secs] of Object.entries(steps)) m.stepSeconds.inc({ step }, secs);
    m.chunkSeconds.observe(seconds);
    m.chunkSize.observe(chunk.messages.length);
    m.lag.set({ partition: String(partition) }, Number(BigInt(highWatermark) - chunk.end - 1n));
    if (out.kind === "applied_before") {
      m.chunksAppliedBefore.inc();
      return;
    }
    if (out.inserted > 0) m.insertSeconds.observe(out.insertSeconds);
    recent.push([t, out.inserted]);
    while ((recent[0]?.[0] ?? t) < t - RATE_WINDOW_MS) recent.shift();
    m.eventsPerSecond.set(recent.reduce((n, [, c]) => n + c, 0) / (RATE_WINDOW_MS / 1000));
    m.events.inc({ partition: String(partition) }, out.inserted);
    m.duplicates.inc(out.duplicates);
    m.alreadyStored.inc(out.alreadyStored);
    m.fcrContacts.inc(out.fcr.contacts);
    m.fcrRepeats.inc(out.fcr.repeats);
    m.fcrPlaceholders.inc(out.fcr.placeholders);
    for (const d of out.deadLetters) m.deadLetters.inc({ reason: d.reason });
    for (const p of out.producedAt) if (p > 0) m.freshness.observe(Math.max(0, (t - p) / 1000));
  };

  return async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const alive = () => isRunning() && !isStale();
    const known = await deps.ranges.recent(topic, partition);
    const { chunks, stopAt } = splitChunks(batch.messages as InMessage[], deps.maxChunk, known, BigInt(batch.highWatermark));
    for (const chunk of chunks) {
      if (!alive()) return;
      const started = process.hrtime.bigint();
      const token = chunkToken(topic, partition, chunk);
      let tries = 0;
      let recorded = chunk.replayed;
      const steps: StepSeconds = {};
      const out = await untilDone(partition, alive, heartbeat, async () => {
        const { lap, skip } = stopwatch(steps);
        // A retry is a re-delivery too: an interrupted insert must be sent again with its token,
        // never dropped because the registry already shows some of its events.
        const again = chunk.replayed || tries++ > 0;
        if (!recorded) {
          await deps.ranges.record(topic, partition, chunk);
          recorded = true;
        }
        lap("record_range");
        const result = await processChunk(partition, chunk, token, again, deps);
        if (result.kind === "done") {
          for (const [step, secs] of Object.entries(result.steps)) steps[step] = (steps[step] ?? 0) + secs;
          skip();
          await deps.sendDeadLetters(result.deadLetters.map((d) => toDeadLetterMessage(d, topic, new Date(now()))));
          lap("dead_letters");
          await deps.ledger.markApplied({ token, topic, partition, start: chunk.start, end: chunk.end });
          lap("mark_applied");
        }
        await deps.commit(partition, String(chunk.end + 1n));
        lap("commit");
        return result;
      });
      if (out === null) return;
      resolveOffset(String(chunk.end));
      observe(partition, chunk, out, Number(process.hrtime.bigint() - started) / 1e9, batch.highWatermark, steps);
      const tenants = out.kind === "done" ? out.tenants : new Map<string, number>();
      const watermark = Math.max(0, ...tenants.values());
      deps.status.committed(partition, { committed: String(chunk.end + 1n), ...(watermark > 0 ? { watermark } : {}), tenants }).catch((e: unknown) => deps.logger.debug({ err: e }, "status write failed"));
      deps.logger.debug({ partition, start: String(chunk.start), end: String(chunk.end), kind: out.kind }, "chunk done");
      await heartbeat();
    }
    if (stopAt !== null) deps.logger.warn({ partition, stopAt: String(stopAt) }, "waiting for the rest of a recorded chunk before going on");
  };

  /**
   * Runs `attempt` until it succeeds or the partition is taken away (stop, rebalance: returns
   * null, the next owner re-delivers the chunk). Backs off between attempts, heartbeating so the
   * group keeps the partition here, and reports a partition that stays stuck.
   */
  async function untilDone<T>(partition: number, alive: () => boolean, heartbeat: () => Promise<void>, attempt: () => Promise<T>): Promise<T | null> {
    const since = now();
    let attempts = 0;
    let delay = deps.retry.minMs;
    let stalled = false;
    const p = String(partition);
    for (;;) {
      try {
        const out = await attempt();
        if (attempts > 0) deps.logger.info({ partition, attempts, seconds: (now() - since) / 1000 }, "chunk applied after retries");
        if (stalled) deps.metrics.stalled.set({ partition: p }, 0);
        return out;
      } catch (e) {
        attempts++;
        const message = e instanceof Error ? e.message : String(e);
        const code = (e as { code?: unknown }).code;
        deps.metrics.chunkFailures.inc({ code: typeof code === "string" ? code : "error" });
        deps.status.failing(partition, { since, attempts, error: message }).catch(() => undefined);
        if (!stalled && now() - since >= deps.stallAfterMs) {
          stalled = true;
          deps.metrics.stalled.set({ partition: p }, 1);
          deps.logger.error({ err: e, partition, attempts, since: new Date(since).toISOString() }, "partition stalled: a chunk keeps failing; its events wait in Kafka");
        } else {
          deps.logger.warn({ err: e, partition, attempts, retryInMs: delay }, "chunk failed, retrying");
        }
      }
      const until = now() + delay;
      while (now() < until) {
        if (!alive()) return null;
        await new Promise((r) => setTimeout(r, Math.min(HEARTBEAT_EVERY_MS, Math.max(0, until - now()))));
        // A heartbeat that fails means the group is rebalancing: give the partition up.
        try {
          await heartbeat();
        } catch {
          return null;
        }
      }
      if (!alive()) return null;
      delay = Math.min(deps.retry.maxMs, delay * 2);
    }
  }
}
