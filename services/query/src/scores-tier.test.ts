import { describe, expect, it } from "vitest";
import { seededRandom } from "@pulse/kit";
import type { StatsRow } from "./rollup.sql";
import { emptyStats, scoreGroup } from "./scores-fns";
import { createStatsTier, createVersionProbe, planDelta, snapshotOf, tierSupported, type Part } from "./scores-tier";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("createVersionProbe", () => {
  it("never answers a caller with a probe that started before the call", async () => {
    const reads: ReturnType<typeof deferred<string>>[] = [];
    const probe = createVersionProbe(() => {
      const d = deferred<string>();
      reads.push(d);
      return d.promise;
    });
    const a = probe();
    expect(reads).toHaveLength(1);
    // b and c arrive while a's probe runs: they must not get its answer, they share the next.
    const b = probe();
    const c = probe();
    expect(reads).toHaveLength(1);
    reads[0]!.resolve("v1");
    expect(await a).toBe("v1");
    await tick();
    expect(reads).toHaveLength(2);
    reads[1]!.resolve("v2");
    expect([await b, await c]).toEqual(["v2", "v2"]);
    // Idle again: the next caller starts its own probe at once.
    const d = probe();
    expect(reads).toHaveLength(3);
    reads[2]!.resolve("v3");
    expect(await d).toBe("v3");
  });

  it("passes a failed probe's error to its callers only, and the queued callers still get a probe", async () => {
    const reads: ReturnType<typeof deferred<string>>[] = [];
    const probe = createVersionProbe(() => {
      const d = deferred<string>();
      reads.push(d);
      return d.promise;
    });
    const a = probe();
    const b = probe();
    reads[0]!.reject(new Error("down"));
    await expect(a).rejects.toThrow("down");
    await tick();
    reads[1]!.resolve("v2");
    expect(await b).toBe("v2");
  });
});

describe("createStatsTier", () => {
  it("reuses kept rows only while the version is unchanged", async () => {
    let version = "v1";
    let loads = 0;
    const tier = createStatsTier<number>({ snapshot: () => Promise.resolve({ version, parts: [] }) });
    const load = () => Promise.resolve([++loads]);
    expect(await tier.rows("k", load)).toEqual({ rows: [1], source: "loaded" });
    expect(await tier.rows("k", load)).toEqual({ rows: [1], source: "reused" });
    version = "v2";
    expect(await tier.rows("k", load)).toEqual({ rows: [2], source: "loaded" });
    expect(await tier.rows("k", load)).toEqual({ rows: [2], source: "reused" });
    // Another query is another entry.
    expect(await tier.rows("other", load)).toEqual({ rows: [3], source: "loaded" });
    expect(loads).toBe(3);
  });

  it("lets concurrent requests of one query and one version share a load, but not across versions", async () => {
    let version = "v1";
    const loads: ReturnType<typeof deferred<number[]>>[] = [];
    const tier = createStatsTier<number>({ snapshot: () => Promise.resolve({ version, parts: [] }) });
    const load = () => {
      const d = deferred<number[]>();
      loads.push(d);
      return d.promise;
    };
    const a = tier.rows("k", load);
    const b = tier.rows("k", load);
    await tick();
    expect(loads).toHaveLength(1);
    version = "v2";
    const c = tier.rows("k", load);
    await tick();
    expect(loads).toHaveLength(2);
    loads[0]!.resolve([1]);
    loads[1]!.resolve([2]);
    expect(await a).toEqual({ rows: [1], source: "loaded" });
    expect(await b).toEqual({ rows: [1], source: "joined" });
    expect(await c).toEqual({ rows: [2], source: "loaded" });
    expect(await tier.rows("k", load)).toEqual({ rows: [2], source: "reused" });
  });

  it("keeps nothing from a failed load", async () => {
    const tier = createStatsTier<number>({ snapshot: () => Promise.resolve({ version: "v1", parts: [] }) });
    await expect(tier.rows("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await tier.rows("k", () => Promise.resolve([7]))).toEqual({ rows: [7], source: "loaded" });
  });

  it("drops the least recently used query beyond maxEntries", async () => {
    const tier = createStatsTier<string>({ snapshot: () => Promise.resolve({ version: "v1", parts: [] }), maxEntries: 2 });
    let loads = 0;
    const load = (k: string) => () => {
      loads++;
      return Promise.resolve([k]);
    };
    await tier.rows("a", load("a"));
    await tier.rows("b", load("b"));
    await tier.rows("a", load("a")); // a is now the most recent
    await tier.rows("c", load("c")); // drops b
    expect(tier.size()).toBe(2);
    expect((await tier.rows("a", load("a"))).source).toBe("reused");
    expect((await tier.rows("b", load("b"))).source).toBe("loaded");
    expect(loads).toBe(4);
  });
});

describe("scores of kept statistics depend on the clock only through ⌊(now − L) / 1 min⌋", () => {
  // Why query.service may reuse scored statistics within that minute (rollup cohorts start and end
  // on whole minutes; L is whole minutes).
  const MIN = 60_000;
  const L = 60 * MIN;
  const W = 7 * 24 * 60 * MIN;
  const random = seededRandom(42);
  const int = (n: number) => Math.floor(random() * n);
  const base = Date.parse("2025-06-10T00:00:00Z");
  const rowAt = (): StatsRow => {
    const row = emptyStats();
    const widths = [60, 3600, 86_400];
    for (let i = 0; i < 40; i++) {
      const width = widths[int(3)]!;
      const start = Math.floor((base / 1000 - int(10 * 86_400)) / width) * width;
      const hist: Record<string, number> = {};
      for (let j = 0; j < 5; j++) hist[String(1 + int(W / MIN))] = 1 + int(3);
      row.fcr_cohorts.push([start, width, 20 + int(50), hist]);
    }
    return row;
  };

  it("gives equal scores anywhere within one such minute, and moves across minutes", () => {
    let moved = 0;
    for (let trial = 0; trial < 30; trial++) {
      const row = rowAt();
      const minute = Math.floor(base / MIN) + int(3 * 24 * 60);
      const at = (ms: number) => scoreGroup(row, { now: minute * MIN + ms, allowedLatenessMs: L, windowMs: W });
      const first = at(0);
      expect(at(1)).toEqual(first);
      expect(at(int(MIN))).toEqual(first);
      expect(at(MIN - 1)).toEqual(first);
      if (JSON.stringify(at(MIN * (1 + int(600)))) !== JSON.stringify(first)) moved++;
    }
    // Not vacuous: the clock does matter once the minute changes.
    expect(moved).toBeGreaterThan(0);
  });
});

const part = (table: string, partition: string, min: number, max: number, level: number, engine = "AggregatingMergeTree"): Part => ({
  table,
  name: `${partition}_${min}_${max}_${level}`,
  partition,
  min,
  max,
  level,
  engine,
});

describe("planDelta", () => {
  const kept = [part("rollup_minute", "202612", 1, 5, 2), part("rollup_minute", "202612", 6, 6, 0), part("rollup_hour", "202612", 1, 6, 3)];

  it("reads nothing when nothing changed", () => {
    expect(planDelta(kept, kept)).toEqual([]);
  });

  it("reads only parts committed after the kept snapshot (inserts, and merges of them)", () => {
    const insert = part("rollup_minute", "202612", 7, 7, 0);
    const mergedInserts = part("rollup_hour", "202612", 7, 9, 1);
    expect(planDelta(kept, [...kept, insert, mergedInserts])).toEqual([insert, mergedInserts]);
  });

  it("reads nothing for a merge of kept parts (same rows), and still reads new inserts beside it", () => {
    const merged = part("rollup_minute", "202612", 1, 6, 3);
    const insert = part("rollup_minute", "202612", 8, 8, 0);
    expect(planDelta(kept, [merged, kept[2]!, insert])).toEqual([insert]);
  });

  it("gives up (reload) on a merge that mixes kept and unseen blocks, a mutation, a drop, a replicated table", () => {
    expect(planDelta(kept, [part("rollup_minute", "202612", 1, 7, 3), kept[2]!])).toBeNull();
    const mutated = { ...kept[1]!, name: "202612_6_6_0_9" };
    expect(planDelta(kept, [kept[0]!, mutated, kept[2]!])).toBeNull();
    expect(planDelta(kept, [kept[0]!, kept[2]!])).toBeNull();
    const replicated = kept.map((p) => ({ ...p, engine: "ReplicatedAggregatingMergeTree" }));
    expect(planDelta(replicated, [...replicated, part("rollup_minute", "202612", 7, 7, 0, "ReplicatedAggregatingMergeTree")])).toBeNull();
  });
});

describe("createStatsTier with deltas", () => {
  it("adds the rows of fresh parts to kept rows, and reloads when it cannot say what changed", async () => {
    let parts = [part("rollup_minute", "p", 1, 1, 0)];
    const snapshot = () => Promise.resolve(snapshotOf(parts));
    const tier = createStatsTier<number>({ snapshot });
    const reads: string[][] = [];
    let loads = 0;
    const load = () => {
      loads++;
      return Promise.resolve([100 * loads]);
    };
    const delta = {
      read: (ps: Part[]) => {
        reads.push(ps.map((p) => p.name));
        return Promise.resolve([ps.length]);
      },
      merge: (a: number[], b: number[]) => [a[0]! + b[0]!],
    };
    expect(await tier.rows("k", load, delta)).toEqual({ rows: [100], source: "loaded" });
    parts = [...parts, part("rollup_minute", "p", 2, 2, 0)];
    expect(await tier.rows("k", load, delta)).toEqual({ rows: [101], source: "delta" });
    expect(reads).toEqual([["p_2_2_0"]]);
    // A merge of kept parts: same rows, no read.
    parts = [part("rollup_minute", "p", 1, 2, 1)];
    expect(await tier.rows("k", load, delta)).toEqual({ rows: [101], source: "delta" });
    expect(reads).toHaveLength(1);
    // A dropped part: reload.
    parts = [];
    expect(await tier.rows("k", load, delta)).toEqual({ rows: [200], source: "loaded" });
  });

  it("reloads when a part it read was merged away before the check (the read may have missed it)", async () => {
    let parts = [part("rollup_minute", "p", 1, 1, 0)];
    const tier = createStatsTier<number>({ snapshot: () => Promise.resolve(snapshotOf(parts)) });
    let loads = 0;
    const load = () => Promise.resolve([100 * ++loads]);
    await tier.rows("k", load, { read: () => Promise.resolve([0]), merge: (a, b) => [a[0]! + b[0]!] });
    parts = [...parts, part("rollup_minute", "p", 2, 2, 0)];
    const racing = {
      read: () => {
        parts = [part("rollup_minute", "p", 1, 2, 1)]; // merged while the delta query ran
        return Promise.resolve([1]);
      },
      merge: (a: number[], b: number[]) => [a[0]! + b[0]!],
    };
    expect(await tier.rows("k", load, racing)).toEqual({ rows: [200], source: "loaded" });
  });

  it("never adds a delta to rows loaded while the data moved (they may already hold the new part)", async () => {
    let parts = [part("rollup_minute", "p", 1, 1, 0)];
    const tier = createStatsTier<number>({ snapshot: () => Promise.resolve(snapshotOf(parts)) });
    let loads = 0;
    const reads: number[] = [];
    const delta = {
      read: () => {
        reads.push(1);
        return Promise.resolve([1]);
      },
      merge: (a: number[], b: number[]) => [a[0]! + b[0]!],
    };
    const moving = () => {
      loads++;
      parts = [...parts, part("rollup_minute", "p", 2, 2, 0)]; // lands while the load runs
      return Promise.resolve([100]);
    };
    await tier.rows("k", moving, delta);
    parts = [...parts, part("rollup_minute", "p", 3, 3, 0)];
    expect(await tier.rows("k", () => Promise.resolve([300]), delta)).toEqual({ rows: [300], source: "loaded" });
    expect(reads).toEqual([]);
    expect(loads).toBe(1);
  });
});

describe("tierSupported", () => {
  const tables = (engine: string) => ["rollup_minute", "rollup_hour", "rollup_day"].map((name) => ({ name, engine }));
  it("takes local non-replicated MergeTree tables only", () => {
    expect(tierSupported(tables("AggregatingMergeTree"))).toBe(true);
    expect(tierSupported(tables("ReplicatedAggregatingMergeTree"))).toBe(false);
    expect(tierSupported(tables("Distributed"))).toBe(false);
    expect(tierSupported(tables("AggregatingMergeTree").slice(1))).toBe(false);
  });
});
