import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);
import type { Logger } from "@pulse/kit";
import type { ObjectStore } from "@pulse/storage";

/** One archived message: the original bytes (as UTF-8 text) and where Kafka had it. */
export interface ArchivedMessage {
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  value: string;
}

/**
 * Archive layout: raw/<tenant>/<yyyy-mm-dd>/<hh>/<topic>-<partition>-<first>-<last>.ndjson.gz,
 * dated by the hour the collector received the events. Keys are deterministic, so a retried
 * chunk overwrites its own object instead of adding a copy.
 */
export function archiveKey(tenant: string, receivedAt: Date, topic: string, partition: number, start: bigint, end: bigint): string {
  const iso = receivedAt.toISOString();
  return `raw/${tenant}/${iso.slice(0, 10)}/${iso.slice(11, 13)}/${topic}-${partition}-${start}-${end}.ndjson.gz`;
}

/** Compressed on libuv's thread pool, off the event loop that decodes and enriches the next chunk. */
export function encodeArchive(messages: ArchivedMessage[]): Promise<Buffer> {
  // Level 1: most of gzip's saving on JSON at a fraction of the CPU (this runs on the hot path).
  return gzipAsync(messages.map((m) => JSON.stringify(m)).join("\n") + "\n", { level: 1 });
}

/**
 * Writes archive objects with retries. When the store stays down, the objects are kept in memory
 * and retried in the background (bounded), so an S3 outage degrades the archive's freshness but
 * never blocks ingestion or loses what was accepted while Kafka still retains it.
 */
export function createArchiver(store: ObjectStore, logger: Logger, opts: { maxPending?: number; retryMs?: number } = {}) {
  const pending = new Map<string, Buffer>();
  const maxPending = opts.maxPending ?? 10_000;
  let timer: NodeJS.Timeout | null = null;

  const flushPending = async () => {
    for (const [key, body] of pending) {
      try {
        await store.put(key, body, "application/gzip");
        pending.delete(key);
      } catch (e) {
        logger.warn({ err: e, pending: pending.size }, "archive still unavailable");
        return;
      }
    }
  };
  const schedule = () => {
    if (timer || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void flushPending().finally(schedule);
    }, opts.retryMs ?? 5000);
    timer.unref();
  };

  return {
    get pending() {
      return pending.size;
    },
    async write(key: string, messages: ArchivedMessage[]): Promise<void> {
      const body = await encodeArchive(messages);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await store.put(key, body, "application/gzip");
          return;
        } catch (e) {
          if (attempt === 2) {
            if (pending.size >= maxPending) throw new Error(`archive unavailable and ${pending.size} objects pending`, { cause: e });
            pending.set(key, body);
            logger.warn({ err: e, key }, "archive write failed, will retry in the background");
            schedule();
            return;
          }
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        }
      }
    },
    flush: flushPending,
    close() {
      if (timer) clearTimeout(timer);
    },
  };
}

export type Archiver = ReturnType<typeof createArchiver>;
