/**
 * The live evaluator as its own process, for the kill test: runs one tenant to the given clock and
 * exits. argv: a JSON object { path, database, redisUrl, keyPrefix, queuePrefix, catalogue, startAt, now }.
 */
import { createReader, createWriter, openClickHouse } from "@pulse/clickhouse";
import { parseCatalogue } from "@pulse/catalogue";
import { silentLogger, unwrap } from "@pulse/kit";
import { createQueueFactory, createRedis, redisReady } from "@pulse/redis";
import { createAlertStore } from "./alert-store";
import { createAlertEvaluator } from "./evaluator";

const o = JSON.parse(process.argv[2] ?? "{}") as { path: string; database: string; redisUrl: string; keyPrefix: string; queuePrefix: string; catalogue: unknown; startAt: number; now: number };
const ch = await openClickHouse({ path: o.path, database: o.database });
const redis = createRedis({ url: o.redisUrl, keyPrefix: o.keyPrefix });
await redisReady(redis);
const queue = createQueueFactory({ redis: { url: o.redisUrl }, prefix: o.queuePrefix }).queue("pulse-alert-notifications");
const catalogue = unwrap(parseCatalogue(o.catalogue));
const evaluator = createAlertEvaluator({
  reader: createReader(ch),
  writer: createWriter(ch),
  store: createAlertStore(redis),
  catalogues: { forTenant: () => catalogue },
  notifications: queue,
  logger: silentLogger,
  now: () => o.now,
  startAt: o.startAt,
  lagMinutes: 2,
  maxMinutesPerRun: 60 * 1440,
});
await evaluator.runTenant("acme");
process.stdout.write("done\n");
await queue.close();
redis.disconnect();
await ch.close();
