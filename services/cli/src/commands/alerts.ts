/** pulse alerts backtest --tenant <t> --from <date> --to <date> [--rules <file>] [--json] */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { catalogueFromFile, createCatalogueSource } from "@pulse/catalogue";
import { clickhouseConfigFromEnv, createReader, openClickHouse } from "@pulse/clickhouse";
import { clickhouseEnv, commonEnv, loadConfig, redisEnv } from "@pulse/config";
import { createLogger } from "@pulse/kit";
import { formatBacktest, parseRulesFile, runBacktest } from "@pulse/query";
import { createRedis } from "@pulse/redis";
import { flag, requireFlag, UsageError, type Args } from "../args";
import type { CommandContext } from "./ops";

const USAGE = "usage: pulse alerts backtest --tenant <t> --from <YYYY-MM-DD|ISO> --to <YYYY-MM-DD|ISO> [--rules <file>] [--json]";
const Env = z.object({ ...commonEnv, ...clickhouseEnv, ...redisEnv, CATALOGUE_FILE: z.string().optional() });

/** A day (UTC midnight) or an ISO instant on a whole minute; the flag is named in the error. */
export function parseWhen(name: string, v: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw new UsageError(`--${name} '${v}' must be YYYY-MM-DD or an ISO-8601 date-time`);
  if (ms % 60_000 !== 0) throw new UsageError(`--${name} '${v}' must be on a whole minute`);
  return ms;
}

export async function alertsCommand(ctx: CommandContext, args: Args): Promise<number> {
  if (args.positional[0] !== "backtest") throw new UsageError(USAGE);
  const tenant = requireFlag(args, "tenant", "the tenant to replay");
  const from = parseWhen("from", requireFlag(args, "from", "start of the replay"));
  const to = parseWhen("to", requireFlag(args, "to", "end of the replay (exclusive)"));
  if (to <= from) throw new UsageError("--to must be after --from");
  if (to - from > 400 * 86_400_000) throw new UsageError("--from/--to may span at most 400 days");
  const rulesFile = flag(args, "rules");
  let rules;
  if (rulesFile) {
    const r = parseRulesFile(readFileSync(rulesFile, "utf8"));
    if (!r.ok) throw new UsageError(`--rules ${rulesFile}: ${r.error.issues.join("; ")}`);
    rules = r.value;
  }
  const c = loadConfig(Env, ctx.env);
  const logger = createLogger("pulse-cli", c.LOG_LEVEL);
  const redis = createRedis({ url: c.REDIS_URL, keyPrefix: c.REDIS_KEY_PREFIX });
  const source = createCatalogueSource({ redis, fallback: catalogueFromFile(c.CATALOGUE_FILE), logger });
  const ch = await openClickHouse(clickhouseConfigFromEnv(c));
  try {
    await source.refresh();
    const r = await runBacktest({ reader: createReader(ch), tenant, catalogue: source.forTenant(tenant), from, to, rules });
    ctx.stdout.write(args.flags.has("json") ? `${JSON.stringify({ tenant, from: new Date(from).toISOString(), to: new Date(to).toISOString(), minutes: r.minutes, notifications: r.notifications }, null, 2)}\n` : formatBacktest(r.notifications));
    return 0;
  } finally {
    await ch.close();
    redis.disconnect();
  }
}
