/**
 * The short version of `pnpm chaos` (issue 8): a few worker SIGKILLs, a broker kill, a Redis
 * fault and an S3 outage under steady load through the real collector; every tenant's events
 * and rollups must come out exact. The full run (100 / 10 kills) is a script, see the README.
 */
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { formatReport, runChaos } from "./chaos/run";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

it("loses nothing and doubles nothing while workers, the broker, Redis and S3 fail", async () => {
  const report = await runChaos({
    root: ROOT,
    seed: 20261130,
    workerKills: 6,
    brokerKills: 1,
    redisFaults: 2,
    s3Stops: 1,
    ratePerSecond: 150,
    workerLifeMs: [3000, 8000],
    log: () => {},
  });
  const table = formatReport(report);
  expect(report.faults["worker SIGKILL"], table).toBe(6);
  expect(report.faults["broker kill+restart"], table).toBe(1);
  for (const t of report.tenants) {
    expect(t.generated, table).toBeGreaterThan(0);
    expect({ tenant: t.tenant, lost: t.lost, doubled: t.doubled, unexpected: t.unexpected, rejected: t.rejected, rollups: t.rollupMismatches }, table).toEqual({
      tenant: t.tenant,
      lost: 0,
      doubled: 0,
      unexpected: 0,
      rejected: 0,
      rollups: [],
    });
  }
  expect(report.deadLetters, table).toEqual({ invalid_json: report.poison });
  expect(report.ok, table).toBe(true);
}, 900_000);
