/**
 * `pulse alerts backtest` end to end: a chDB store with three days of NPS answers at "ivr" (NPS 40,
 * then from day 2 12:00 NPS −40 against a target of 20), read back by the command through its
 * environment (CLICKHOUSE_PATH, CATALOGUE_FILE, REDIS_URL), in text and JSON, with and without a
 * rules file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createWriter, migrate, openClickHouse } from "@pulse/clickhouse";
import { parseArgs } from "./args";
import { alertsCommand } from "./commands/alerts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 4, 5);
const DROP = T0 + DAY + 12 * 3_600_000;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pulse-backtest-"));
  const ch = await openClickHouse({ path: join(dir, "db"), database: "pulse_backtest" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  const dt = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 23);
  const rows: unknown[][] = [];
  // one answer every 2 minutes; before the drop 6 of 10 promoters and 2 detractors, after it 1 and 5
  for (let m = T0, i = 0; m < T0 + 3 * DAY; m += 120_000, i++) {
    const k = i % 10;
    const nps = m < DROP ? (k < 6 ? 10 : k < 8 ? 8 : 3) : k < 1 ? 10 : k < 5 ? 8 : 2;
    rows.push(["acme", `a${i}`, "survey.response", 1, dt(m), dt(m), "test", "ivr", "ivr", "support", "phone", `c${i}`, "all", nps]);
  }
  await createWriter(ch).insert("feedback_events", ["tenant", "event_id", "type", "schema_version", "occurred_at", "received_at", "source", "touchpoint", "touchpoint_raw", "journey_stage", "channel", "customer_id", "segment", "nps"], rows, { dedupToken: "backtest-cli" });
  await ch.close();
  writeFileSync(join(dir, "catalogue.json"), JSON.stringify({ version: 1, touchpoints: { ivr: { journeyStage: "support", targets: { nps: 20 } } } }));
  writeFileSync(join(dir, "no-target.json"), JSON.stringify({ rules: [{ id: "nps_target", metric: "nps", kind: "target", enabled: false }] }));
  env = { CLICKHOUSE_PATH: join(dir, "db"), CLICKHOUSE_DATABASE: "pulse_backtest", CATALOGUE_FILE: join(dir, "catalogue.json"), REDIS_URL: inject("stack").REDIS_URL, REDIS_KEY_PREFIX: `pulse-test:backtest:${randomUUID()}:`, LOG_LEVEL: "error" };
}, 120_000);

async function run(argv: string[]): Promise<string> {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString("utf8")));
  const code = await alertsCommand({ root: ROOT, env, stdout: out as unknown as NodeJS.WriteStream, stderr: process.stderr }, parseArgs(argv, ["json"]));
  expect(code).toBe(0);
  return text;
}

describe("pulse alerts backtest", () => {
  it("prints the target alert at ivr after the drop, with its evidence, in text and JSON", async () => {
    const text = await run(["backtest", "--tenant", "acme", "--from", "2025-05-05", "--to", "2025-05-08"]);
    expect(text).toMatch(/ firing +warning +ivr +nps_target +value -?\d+/);
    expect(text).toMatch(/\d+ alert\(s\) fired, \d+ notification\(s\)\n$/);
    const json = JSON.parse(await run(["backtest", "--tenant", "acme", "--from", "2025-05-05", "--to", "2025-05-08", "--json"])) as {
      minutes: number;
      notifications: Array<{ type: string; minute: number; alert: { ruleId: string; touchpoint: string; evidence: { reference: unknown; value: { value: number } } } }>;
    };
    expect(json.minutes).toBe(3 * 1440);
    const target = json.notifications.filter((n) => n.type === "firing" && n.alert.ruleId === "nps_target");
    expect(target).toHaveLength(1);
    expect(target[0]!.minute).toBeGreaterThan(DROP);
    expect(target[0]!.minute - DROP).toBeLessThan(6 * 3_600_000);
    expect(target[0]!.alert.evidence.reference).toEqual({ kind: "target", value: 20 });
    expect(target[0]!.alert.evidence.value.value).toBeLessThan(20);
    expect(json.notifications.filter((n) => n.type === "firing" && n.minute < DROP)).toEqual([]);
  }, 300_000);

  it("tries other rules from a file, and refuses bad arguments naming them", async () => {
    const json = JSON.parse(await run(["backtest", "--tenant", "acme", "--from", "2025-05-05", "--to", "2025-05-08", "--json", "--rules", join(dir, "no-target.json")])) as { notifications: Array<{ alert: { ruleId: string } }> };
    expect(json.notifications.filter((n) => n.alert.ruleId === "nps_target")).toEqual([]);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ rules: [{ id: "x", metric: "volume", kind: "target" }] }));
    await expect(run(["backtest", "--tenant", "acme", "--from", "2025-05-05", "--to", "2025-05-08", "--rules", join(dir, "bad.json")])).rejects.toThrow(/rules\.0\.kind: target is not available for volume/);
    await expect(run(["backtest", "--tenant", "acme", "--from", "2025-05-08", "--to", "2025-05-05"])).rejects.toThrow(/--to must be after --from/);
  }, 300_000);
});
