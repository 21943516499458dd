/**
 * The live tier of /v1/scores: merged statistics kept in process and reused while the rollups
 * have not changed, so most requests never run the (CPU-bound) stats query.
 *
 * Freshness rule. Every request first reads the rollups' data version AFTER it arrived: the
 * sorted names of the active parts of rollup_minute, rollup_hour and rollup_day. Parts are
 * immutable and a part name is never reused (block numbers only grow), so two equal versions mean
 * exactly the same rows; any insert, merge, mutation or dropped partition changes it. A request is
 * answered from kept statistics only when they were read after a probe that returned the very
 * version the request's own probe returned; otherwise it runs the stats query (shared with
 * concurrent requests of the same query and the same version). Its answer is therefore the
 * answer of a stats query run at the moment of its probe — what the uncached path would show.
 *
 * The statistics are kept, not the response: scores are computed from them on every request with
 * the request's own clock (FCR windows close with time) and the current targets.
 */

/** The rollups' data version: one short read of system.parts (standard ClickHouse, not chDB-only). */
export const DATA_VERSION_SQL = `SELECT arrayStringConcat(arraySort(groupArray(concat(table, '/', name))), ',') AS version
FROM system.parts
WHERE database = currentDatabase() AND active AND table IN ('rollup_minute', 'rollup_hour', 'rollup_day')`;

/**
 * Coalesces version probes without ever answering a caller with a probe that started before the
 * call: a caller arriving while a probe runs waits for the next one, which every caller arriving
 * meanwhile shares. So concurrent callers cost one probe per round, and each sees a version read
 * after it arrived.
 */
export function createVersionProbe(read: () => Promise<string>): () => Promise<string> {
  let running: Promise<string> | undefined;
  let queued: Promise<string> | undefined;
  const start = (): Promise<string> => {
    const p = read().finally(() => {
      if (running === p) running = undefined;
    });
    running = p;
    return p;
  };
  return () => {
    if (!running) return start();
    if (!queued) {
      const q = running
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          if (queued === q) queued = undefined;
          // Another caller may have started a probe since ours settled: it started after we came.
          return running ?? start();
        });
      queued = q;
    }
    return queued;
  };
}

export type TierSource = "reused" | "loaded" | "joined";

export interface StatsTier<R> {
  /**
   * The rows of the query `key` as of a version read after this call: kept ones when the version
   * is unchanged, else `load()` (one in flight per key and version).
   */
  rows(key: string, load: () => Promise<R[]>): Promise<{ rows: R[]; source: TierSource }>;
  /** How many queries are kept (bounded by maxEntries). */
  size(): number;
}

export interface StatsTierOptions {
  /** The data version, read after the call (see createVersionProbe). */
  version: () => Promise<string>;
  /** Kept queries, least recently used dropped first. */
  maxEntries?: number;
}

export function createStatsTier<R>(opts: StatsTierOptions): StatsTier<R> {
  const maxEntries = opts.maxEntries ?? 1000;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const kept = new Map<string, { version: string; rows: R[] }>();
  const inflight = new Map<string, Promise<R[]>>();
  const keep = (key: string, version: string, rows: R[]): void => {
    kept.delete(key);
    kept.set(key, { version, rows });
    while (kept.size > maxEntries) {
      const oldest = kept.keys().next().value as string;
      kept.delete(oldest);
    }
  };
  return {
    async rows(key, load) {
      const version = await opts.version();
      const entry = kept.get(key);
      if (entry && entry.version === version) {
        keep(key, version, entry.rows);
        return { rows: entry.rows, source: "reused" };
      }
      // The version goes into the in-flight key: a load started under another version is not shared.
      const flight = `${version}\u0000${key}`;
      const pending = inflight.get(flight);
      if (pending) return { rows: await pending, source: "joined" };
      const p = load();
      inflight.set(flight, p);
      try {
        const rows = await p;
        // Read after a probe that returned `version`: at least that version's rows (a later insert
        // only makes them newer, and then the next probe differs, so they are not reused).
        keep(key, version, rows);
        return { rows, source: "loaded" };
      } finally {
        inflight.delete(flight);
      }
    },
    size: () => kept.size,
  };
}
