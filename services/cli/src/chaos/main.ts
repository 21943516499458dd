/**
 * `pnpm chaos`: the fault suite of issue 8 (not part of `./pulse test`; a short run is).
 *   pnpm chaos                      full run: 100 worker kills, 10 broker kills, Redis and S3 faults
 *   pnpm chaos --worker-kills 20 --broker-kills 3 --seed 7 --rate 300 --keep
 * Prints one table and exits 1 when anything was lost, doubled, mis-rolled-up or unexplained.
 */
import { fileURLToPath } from "node:url";
import { formatReport, runChaos } from "./run";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name} must be a non-negative number (got ${process.argv[i + 1] ?? "nothing"})`);
    process.exit(2);
  }
  return v;
}

const report = await runChaos({
  root: ROOT,
  seed: flag("seed", Date.now() % 1_000_000),
  workerKills: flag("worker-kills", 100),
  brokerKills: flag("broker-kills", 10),
  redisFaults: flag("redis-faults", 6),
  s3Stops: flag("s3-stops", 4),
  ratePerSecond: flag("rate", 300),
  workerLifeMs: [flag("min-life-ms", 2000), flag("max-life-ms", 9000)],
  keep: process.argv.includes("--keep"),
  log: (line) => console.error(line),
});
console.log(formatReport(report));
process.exit(report.ok ? 0 : 1);
