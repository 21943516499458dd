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

/** An active part of a rollup table, as system.parts describes it. */
export type Part = { table: string; name: string; partition: string; min: number; max: number; level: number; engine: string };

/** The rollups' active parts: one short read of system.parts (standard ClickHouse, not chDB-only). */
export const DATA_PARTS_SQL = `SELECT table, name, partition_id AS partition, min_block_number AS min, max_block_number AS max, level, engine
FROM system.parts
WHERE database = currentDatabase() AND active AND table IN ('rollup_minute', 'rollup_hour', 'rollup_day')
ORDER BY table, name`;

/**
 * The engines of the rollup tables. The version and the delta plan read the tables' own parts, so
 * the tier is used only when all three are local, non-replicated MergeTree tables (embedded chDB,
 * or a single ClickHouse server). A Distributed table has no parts on the querying node (its
 * version would never move) and replicated tables number blocks before commit.
 */
export const TIER_ENGINES_SQL = `SELECT name, engine FROM system.tables
WHERE database = currentDatabase() AND name IN ('rollup_minute', 'rollup_hour', 'rollup_day')`;

export function tierSupported(tables: readonly { name: string; engine: string }[]): boolean {
  return tables.length === 3 && tables.every((t) => !t.engine.startsWith("Replicated") && t.engine.endsWith("MergeTree"));
}

/** The data version: the sorted active part names (equal versions ⇔ the same rows). */
export type Snapshot = { version: string; parts: Part[] };

export function snapshotOf(parts: Part[]): Snapshot {
  const names = parts.map((p) => `${p.table}/${p.name}`).sort();
  return { version: names.join(","), parts };
}

/**
 * What changed between two snapshots, as the parts to read so that kept statistics of `kept` plus
 * the statistics of those parts are the statistics of `now` — or null when that cannot be said
 * (then the caller reloads). Sound for non-replicated MergeTree tables, where a part's block number
 * is taken when the part is committed, so every part committed after `kept` was read has blocks
 * above the largest block `kept` saw in that table:
 * - a new part whose blocks are all above it is fresh data (an insert, or a merge of inserts): read it;
 * - a new part whose blocks are all at or below it holds only blocks `kept` had: a merge of the
 *   parts it replaces (same rows, merged), read nothing;
 * - a mutated part (name with a mutation version), a part spanning both, a replicated table, or a
 *   part gone without a merge that covers it (dropped, truncated): null.
 */
export function planDelta(kept: readonly Part[], now: readonly Part[]): Part[] | null {
  if ([...kept, ...now].some((p) => p.engine.startsWith("Replicated") || !p.engine.endsWith("MergeTree"))) return null;
  const keptMax = new Map<string, number>();
  for (const p of kept) keptMax.set(p.table, Math.max(keptMax.get(p.table) ?? -1, p.max));
  const keptNames = new Set(kept.map((p) => `${p.table}/${p.name}`));
  const nowNames = new Set(now.map((p) => `${p.table}/${p.name}`));
  const fresh: Part[] = [];
  const merges: Part[] = [];
  for (const p of now) {
    if (keptNames.has(`${p.table}/${p.name}`)) continue;
    if (p.name !== `${p.partition}_${p.min}_${p.max}_${p.level}`) return null;
    const seen = keptMax.get(p.table) ?? -1;
    if (p.min > seen) fresh.push(p);
    else if (p.max <= seen) merges.push(p);
    else return null;
  }
  for (const p of kept) {
    if (nowNames.has(`${p.table}/${p.name}`)) continue;
    const covered = merges.some((m) => m.table === p.table && m.partition === p.partition && m.min <= p.min && p.max <= m.max);
    if (!covered) return null;
  }
  return fresh;
}

/**
 * Coalesces version probes without ever answering a caller with a probe that started before the
 * call: a caller arriving while a probe runs waits for the next one, which every caller arriving
 * meanwhile shares. So concurrent callers cost one probe per round, and each sees a version read
 * after it arrived.
 */
export function createVersionProbe<T = string>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
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

export type TierSource = "reused" | "loaded" | "joined" | "delta";

/** How to bring kept rows up to date from the parts added since (see planDelta). */
export interface TierDelta<R> {
  /** The rows of these parts only (the stats query restricted to them). */
  read(parts: Part[]): Promise<R[]>;
  /** kept ⊕ delta: the rows of the union. */
  merge(kept: R[], delta: R[]): R[];
}

export interface StatsTier<R> {
  /**
   * The rows of the query `key` as of a snapshot taken after this call: kept ones when it is
   * unchanged; else kept ones plus the parts added since (`delta`, when planDelta can say which);
   * else `load()`. One computation in flight per key and version.
   */
  rows(key: string, load: () => Promise<R[]>, delta?: TierDelta<R>): Promise<{ rows: R[]; source: TierSource }>;
  /** How many queries are kept (bounded by maxEntries). */
  size(): number;
}

export interface StatsTierOptions {
  /** The snapshot, taken after the call (see createVersionProbe). */
  snapshot: () => Promise<Snapshot>;
  /**
   * A snapshot taken now, not shared: after a delta read, to check that the parts it read were
   * still active (a merge between the probe and the read would have hidden their rows).
   */
  recheck?: () => Promise<Snapshot>;
  /** Kept queries, least recently used dropped first. */
  maxEntries?: number;
}

/**
 * `exact`: the rows are exactly those of `parts` (checked), so a delta may be added to them. A load
 * whose snapshot moved while it ran read some state at or after `version`: reusable while the
 * version stays (it cannot come back), never a delta base (a part could be counted twice).
 */
type Kept<R> = { version: string; parts: Part[]; rows: R[]; exact: boolean };

export function createStatsTier<R>(opts: StatsTierOptions): StatsTier<R> {
  const maxEntries = opts.maxEntries ?? 1000;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const kept = new Map<string, Kept<R>>();
  const inflight = new Map<string, Promise<{ rows: R[]; source: TierSource; exact: boolean }>>();
  const keep = (key: string, entry: Kept<R>): void => {
    kept.delete(key);
    kept.set(key, entry);
    while (kept.size > maxEntries) {
      const oldest = kept.keys().next().value as string;
      kept.delete(oldest);
    }
  };

  type Result = { rows: R[]; source: TierSource; exact: boolean };
  async function update(snap: Snapshot, entry: Kept<R> | undefined, load: () => Promise<R[]>, delta: TierDelta<R> | undefined): Promise<Result> {
    const recheck = opts.recheck ?? opts.snapshot;
    const fresh = entry?.exact && delta ? planDelta(entry.parts, snap.parts) : null;
    if (entry && delta && fresh) {
      if (fresh.length === 0) return { rows: entry.rows, source: "delta", exact: true };
      const added = await delta.read(fresh);
      const active = new Set((await recheck()).parts.map((p) => `${p.table}/${p.name}`));
      // Still active after the read: they were active during it, so it saw all their rows.
      if (fresh.every((p) => active.has(`${p.table}/${p.name}`))) return { rows: delta.merge(entry.rows, added), source: "delta", exact: true };
    }
    const rows = await load();
    // Without deltas, exactness is never needed: spare the second probe.
    const exact = delta !== undefined && (await recheck()).version === snap.version;
    return { rows, source: "loaded", exact };
  }

  return {
    async rows(key, load, delta) {
      const snap = await opts.snapshot();
      const entry = kept.get(key);
      if (entry && entry.version === snap.version) {
        keep(key, entry);
        return { rows: entry.rows, source: "reused" };
      }
      // The version goes into the in-flight key: a computation under another version is not shared.
      const flight = `${snap.version}\u0000${key}`;
      const pending = inflight.get(flight);
      if (pending) return { rows: (await pending).rows, source: "joined" };
      const p = update(snap, entry, load, delta);
      inflight.set(flight, p);
      try {
        const result = await p;
        // Read after a probe that returned `snap`: at least that version's rows (a later insert
        // only makes them newer, and then the next probe differs, so they are not reused).
        keep(key, { version: snap.version, parts: snap.parts, rows: result.rows, exact: result.exact });
        return { rows: result.rows, source: result.source };
      } finally {
        inflight.delete(flight);
      }
    },
    size: () => kept.size,
  };
}
