import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetricsRegistry } from "@pulse/kit";
import { createReader, createWriter, openClickHouse, registerEngineMetrics, type ClickHouse } from "./index";

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ path: join(mkdtempSync(join(tmpdir(), "pulse-ch-events-")), "db"), database: "pulse_events" });
  await ch.client.command({ query: "CREATE TABLE t (a UInt32) ENGINE = MergeTree ORDER BY a" });
});
afterAll(() => ch.close());

const value = (text: string, event: string): number => {
  const line = text.split("\n").find((l) => l.startsWith("pulse_clickhouse_profile_events{") && l.includes(`event="${event}"`));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : NaN;
};

describe("the engine's counters on /metrics", () => {
  it("follow the engine: rows inserted through the writer show up at the next scrape", async () => {
    const registry = createMetricsRegistry("test", { defaults: false });
    registerEngineMetrics(registry, createReader(ch));
    const before = value(await registry.metrics(), "InsertedRows");
    await createWriter(ch).insert("t", ["a"], Array.from({ length: 1234 }, (_, i) => [i]), { dedupToken: "engine-metrics-1" });
    const after = await registry.metrics();
    // Counters of the whole engine: at least the 1,234 rows (the first scrape may read none yet).
    expect(value(after, "InsertedRows") - (Number.isNaN(before) ? 0 : before)).toBeGreaterThanOrEqual(1234);
    expect(value(after, "InsertQuery")).toBeGreaterThanOrEqual(1);
    expect(value(after, "InsertQueryTimeMicroseconds")).toBeGreaterThan(0);
  });
});
