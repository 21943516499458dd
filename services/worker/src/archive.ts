import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { PulseError, type Logger } from "@pulse/kit";
import type { ObjectStore } from "@pulse/storage";
import type { Range } from "./chunks";

const gzipAsync = promisify(gzip);

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

/** The archive objects of one chunk: its messages grouped by tenant and the hour they were received. */
export function archiveGroups(
  items: readonly { tenant: string; receivedAt: Date; message: ArchivedMessage }[],
  topic: string,
  partition: number,
  chunk: Range,
): Map<string, ArchivedMessage[]> {
  const groups = new Map<string, ArchivedMessage[]>();
  // One key per (tenant, hour): computed once, not once per message.
  const keys = new Map<string, string>();
  for (const i of items) {
    const hour = `${i.tenant}\u0000${Math.floor(i.receivedAt.getTime() / 3_600_000)}`;
    let key = keys.get(hour);
    if (key === undefined) {
      key = archiveKey(i.tenant, i.receivedAt, topic, partition, chunk.start, chunk.end);
      keys.set(hour, key);
    }
    const list = groups.get(key);
    if (list) list.push(i.message);
    else groups.set(key, [i.message]);
  }
  return groups;
}

/** Compressed on libuv's thread pool, off the event loop that decodes and enriches the next chunk. */
export function encodeArchive(messages: ArchivedMessage[]): Promise<Buffer> {
  // Level 1: most of gzip's saving on JSON at a fraction of the CPU (this runs on the hot path).
  return gzipAsync(messages.map((m) => JSON.stringify(m)).join("\n") + "\n", { level: 1 });
}

/** Default cap on the compressed bytes held in memory while the store is down. */
export const DEFAULT_ARCHIVE_MAX_PENDING_BYTES = 256 * 1024 * 1024;

/**
 * Writes archive objects with retries. When the store stays down, the objects are kept in memory
 * and retried in the background, so an S3 outage degrades the archive's freshness but does not
 * stop ingestion. The backlog is bounded in bytes: once it is full, `write` fails with
 * `archive_backlog_full` (retryable), the chunk is retried, and the partition waits — its
 * messages stay in Kafka — until the store is back. Memory never grows past the cap.
 */
export function createArchiver(store: ObjectStore, logger: Logger, opts: { maxPendingBytes?: number; retryMs?: number } = {}) {
  const pending = new Map<string, Buffer>();
  const maxPendingBytes = opts.maxPendingBytes ?? DEFAULT_ARCHIVE_MAX_PENDING_BYTES;
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  const forget = (key: string) => {
    pendingBytes -= pending.get(key)?.length ?? 0;
    pending.delete(key);
  };

  const flushPending = async () => {
    for (const [key, body] of pending) {
      try {
        await store.put(key, body, "application/gzip");
        forget(key);
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
    get pendingBytes() {
      return pendingBytes;
    },
    async write(key: string, messages: ArchivedMessage[]): Promise<void> {
      const body = await encodeArchive(messages);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await store.put(key, body, "application/gzip");
          return;
        } catch (e) {
          if (attempt === 2) {
            if (pendingBytes + body.length - (pending.get(key)?.length ?? 0) > maxPendingBytes) {
              throw new PulseError(
                "archive_backlog_full",
                `archive unavailable and ${pending.size} objects (${pendingBytes} bytes) already wait in memory, the cap is ${maxPendingBytes} bytes: the partition waits`,
                { retry: true, status: 503, cause: e },
              );
            }
            forget(key);
            pending.set(key, body);
            pendingBytes += body.length;
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
