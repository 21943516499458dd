import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createReader, migrate, openClickHouse, type ClickHouse, type Reader } from "@pulse/clickhouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAINS, KINDS, ROLLUP_KEY, STATISTICS, READ_AGGREGATES, STAT_TYPES, VIEWS, statisticsOf } from "./index";

// The drift test: the declaration in statistics.ts against what the migrations really create in
// ClickHouse (chDB), and against what the views really fold. Any statistic added, dropped, retyped
// or computed differently in one place and not the other fails here.
const MIGRATIONS = fileURLToPath(new URL("../../../infra/clickhouse", import.meta.url));
const TENANT = "drift";

let ch: ClickHouse;
let reader: Reader;

beforeAll(async () => {
  ch = await openClickHouse({ path: join(mkdtempSync(join(tmpdir(), "pulse-rollups-")), "db"), database: "pulse_rollups_test" });
  reader = createReader(ch);
  await migrate(ch, MIGRATIONS);
  await ch.client.insert({ table: "feedback_events", values: events(), format: "JSONEachRow" });
  await ch.client.insert({ table: "fcr_contacts", values: fcrContacts(), format: "JSONEachRow" });
  await ch.client.insert({ table: "fcr_repeats", values: fcrRepeats(), format: "JSONEachRow" });
}, 120_000);
afterAll(async () => {
  await ch?.close();
});

async function columnsOf(table: string): Promise<Record<string, string>> {
  const rows = await reader.query<{ name: string; type: string }>(
    "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {t:String} ORDER BY position",
    { t: table },
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.type]));
}

const KEY_TYPES: Record<string, string> = {
  tenant: "LowCardinality(String)",
  touchpoint: "LowCardinality(String)",
  channel: "LowCardinality(String)",
  segment: "LowCardinality(String)",
  journey_stage: "LowCardinality(String)",
  bucket: "DateTime('UTC')",
};

describe("rollup statistics: declaration vs the migrated schema", () => {
  it.each(Object.values(GRAINS).map((g) => g.table))("%s has exactly the declared columns and types", async (table) => {
    expect(await columnsOf(table)).toEqual({ ...KEY_TYPES, ...STAT_TYPES });
  });

  it("the feeding views write exactly the statistics declared for their source", async () => {
    const key = [...ROLLUP_KEY].sort();
    const events = Object.keys(await columnsOf(VIEWS.feedback_events)).sort();
    expect(events).toEqual([...key, ...statisticsOf("feedback_events").map((s) => s.name)].sort());
    for (const source of ["fcr_contacts", "fcr_repeats"] as const) {
      const fcr = Object.keys(await columnsOf(VIEWS[source])).sort();
      expect(fcr, source).toEqual([...key, ...statisticsOf(source).map((s) => s.name)].sort());
    }
  });

  it("the cascade views write every statistic", async () => {
    const all = [...ROLLUP_KEY, ...STATISTICS.map((s) => s.name)].sort();
    for (const view of [VIEWS.hour, VIEWS.day]) expect(Object.keys(await columnsOf(view)).sort()).toEqual(all);
  });

  it("no other view writes into a rollup", async () => {
    const rows = await reader.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' AND match(create_table_query, ' TO [^ ]*rollup_(minute|hour|day) ') ORDER BY name",
    );
    expect(rows.map((r) => r.name)).toEqual(Object.values(VIEWS).sort());
  });
});

/** A statistic's value computed straight from its source rows with the declared fold. */
async function direct(s: (typeof STATISTICS)[number]): Promise<unknown> {
  const [row] = await reader.query<{ v: unknown }>(`SELECT ${s.fold} AS v FROM ${s.source} WHERE tenant = {t:String}`, { t: TENANT });
  return row?.v;
}

async function fromRollup(table: string): Promise<Record<string, unknown>> {
  const [row] = await reader.query<Record<string, unknown>>(`SELECT ${READ_AGGREGATES.join(", ")} FROM ${table} WHERE tenant = {t:String}`, { t: TENANT });
  return row ?? {};
}

describe("rollup statistics: declaration vs what the views fold", () => {
  it("every grain holds, for every statistic, the declared fold over the source rows", async () => {
    const expected: Record<string, unknown> = {};
    for (const s of STATISTICS) expected[s.name] = await direct(s);
    // Guard against a vacuous pass: the fixture exercises every statistic.
    for (const s of STATISTICS) expect(expected[s.name], s.name).not.toEqual(s.kind === "histogram" || s.kind === "signedHistogram" ? {} : 0);
    for (const g of Object.values(GRAINS)) expect(await fromRollup(g.table), g.table).toEqual(expected);
  });

  it("every kind reads with its declared aggregate", () => {
    for (const s of STATISTICS) expect(READ_AGGREGATES).toContain(`${KINDS[s.kind].read}(${s.name}) AS ${s.name}`);
  });
});

function events(): Record<string, unknown>[] {
  const base = { tenant: TENANT, touchpoint: "ivr", channel: "phone", segment: "retail", journey_stage: "support", received_at: "2026-03-02 10:00:00.000" };
  const at = (m: number) => `2026-03-0${1 + (m % 2)} ${String(8 + (m % 3)).padStart(2, "0")}:${String((m * 7) % 60).padStart(2, "0")}:00.000`;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const common = { ...base, event_id: `e${i}`, occurred_at: at(i), touchpoint: i % 4 === 0 ? "chat" : "ivr" };
    switch (i % 5) {
      case 0:
        // Every third answer lacks experience (left out of the gap); the gap takes both signs.
        out.push({
          ...common,
          type: "survey.response",
          nps: i % 11,
          csat: 1 + ((i / 5) % 5),
          ces: 1 + (i % 7),
          expectation: 1 + (((i / 5) * 2) % 5),
          experience: i % 3 === 0 ? null : 1 + ((i / 5) % 5),
        });
        break;
      case 1:
        out.push({ ...common, type: "call.completed", wait_seconds: 3.5 + i, handle_seconds: 100 + i, abandoned: i % 3 === 0 ? 1 : 0 });
        break;
      case 2:
        out.push({ ...common, type: "contact.completed", channel: "chat" });
        break;
      case 3:
        out.push({ ...common, type: "complaint.opened", complaint_id: `c${i}` });
        break;
      default:
        out.push({ ...common, type: "complaint.resolved", complaint_id: `c${i - 1}`, hours_to_resolve: 1.25 * i });
    }
  }
  return out;
}

const FCR_DIMS = { tenant: TENANT, touchpoint: "ivr", channel: "phone", segment: "retail", journey_stage: "support", topic: "billing" };

function fcrContacts(): Record<string, unknown>[] {
  return Array.from({ length: 12 }, (_, i) => ({
    ...FCR_DIMS,
    customer_id: `cu${i % 4}`,
    occurred_at: `2026-03-01 0${i % 3}:1${i % 6}:00.000`,
    contact_id: `v${i}`,
    kafka_topic: "t",
    kafka_partition: 0,
    kafka_offset: i,
  }));
}

/** Outcome rows, a withdrawn one among them: bin 30 is +1 − 1 for v0, so only its bin 4 remains. */
function fcrRepeats(): Record<string, unknown>[] {
  const row = (i: number, bin: number, sign: number) => ({ ...FCR_DIMS, customer_id: `cu${i % 4}`, occurred_at: `2026-03-01 0${i % 3}:1${i % 6}:00.000`, contact_id: `v${i}`, repeat_bin: bin, sign });
  return [row(0, 30, 1), row(0, 30, -1), row(0, 4, 1), row(1, 0, 1), row(5, 10080, 1), row(7, 61, 1)];
}
