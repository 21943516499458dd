import { createHash } from "node:crypto";

/**
 * Deterministic batch boundaries: the heart of the exactly-once effect (the whole argument is in
 * the worker README, "Exactly once").
 *
 * Before inserting, the worker records the chunk's range (an "intent"); offsets are committed only
 * after the chunk is applied. After a crash, the partition is re-fetched from the committed offset
 * and the recorded ranges are cut again exactly as before, so a re-inserted chunk carries the same
 * token (see `chunkToken`) and ClickHouse drops it (in feedback_events and, with
 * deduplicate_blocks_in_dependent_materialized_views, in every rollup). New messages get new
 * chunks of at most `maxChunk` messages.
 */
export interface Range {
  start: bigint;
  end: bigint;
}

export interface Chunk<M> {
  start: bigint;
  end: bigint;
  messages: M[];
  /** True when the range was recorded by an earlier attempt (a re-delivery after a crash). */
  replayed: boolean;
}

export interface SplitResult<M> {
  chunks: Chunk<M>[];
  /**
   * Set when a recorded range reaches past the fetched messages: processing must stop before
   * `stopAt` so the next fetch (which starts there) can cut the range whole.
   */
  stopAt: bigint | null;
}

export function splitChunks<M extends { offset: string }>(messages: M[], maxChunk: number, known: Range[], highWatermark?: bigint): SplitResult<M> {
  // A recorded range reaching past the log's end cannot come from this log (the topic was
  // recreated, or its storage wiped): it is stale and ignored.
  const usable = highWatermark === undefined ? known : known.filter((r) => r.end < highWatermark);
  const byStart = new Map(usable.map((r) => [r.start, r]));
  const chunks: Chunk<M>[] = [];
  let i = 0;
  while (i < messages.length) {
    const first = messages[i];
    if (!first) break;
    const start = BigInt(first.offset);
    const recorded = byStart.get(start);
    const last = messages[messages.length - 1];
    if (recorded) {
      if (!last || BigInt(last.offset) < recorded.end) return { chunks, stopAt: start };
      const taken: M[] = [];
      while (i < messages.length && BigInt((messages[i] as M).offset) <= recorded.end) taken.push(messages[i++] as M);
      chunks.push({ start, end: recorded.end, messages: taken, replayed: true });
      continue;
    }
    // A new chunk must not swallow the start of a later recorded range.
    const taken: M[] = [];
    while (i < messages.length && taken.length < maxChunk) {
      const m = messages[i] as M;
      if (taken.length > 0 && byStart.has(BigInt(m.offset))) break;
      taken.push(m);
      i++;
    }
    const end = BigInt((taken[taken.length - 1] as M).offset);
    chunks.push({ start, end, messages: taken, replayed: false });
  }
  return { chunks, stopAt: null };
}

/** What a chunk's identity is computed from: the message as Kafka holds it. */
export interface ChunkMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * The chunk's identity: topic, partition, range and a digest of every message in it (offset,
 * timestamp, key and value, length-prefixed). It names the content, not only the position, so
 * - the same messages re-delivered (a crash, a rewind, another consumer group) get the same token,
 *   and ClickHouse and the chunk ledger recognise them;
 * - new messages at offsets a deleted-and-recreated topic (or a wiped broker) reuses get another
 *   token, so they are never dropped as copies of the old ones.
 * The consumer group is deliberately not part of it: a second group over the same topic and the
 * same ClickHouse database applies nothing twice.
 */
export function chunkToken(topic: string, partition: number, c: Range & { messages: readonly ChunkMessage[] }): string {
  const h = createHash("sha256");
  const len = Buffer.alloc(4);
  const part = (b: Buffer | string | null) => {
    const buf = b === null ? null : typeof b === "string" ? Buffer.from(b, "utf8") : b;
    // -1 tells a missing key/value apart from an empty one.
    len.writeInt32BE(buf === null ? -1 : buf.length);
    h.update(len);
    if (buf !== null) h.update(buf);
  };
  for (const m of c.messages) {
    part(m.offset);
    part(m.timestamp);
    part(m.key);
    part(m.value);
  }
  return `${topic}:${partition}:${c.start}-${c.end}:${h.digest("base64url").slice(0, 22)}`;
}
