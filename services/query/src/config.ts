import { readFileSync } from "node:fs";
import { z } from "zod";
import { clickhouseEnv, commonEnv, fields, httpEnv, loadConfig, opsEnv, redisEnv, storeEnv, type Env } from "@pulse/config";
import { ConfigError } from "@pulse/kit";
import type { StreamLimits } from "./stream-hub";
import { parseTokenSpec, type TokenEntry } from "./tokens";
import { WebhookMap } from "./alerts/webhook-config";

export const queryEnvSchema = z
  .object({
    ...commonEnv,
    ...clickhouseEnv,
    ...redisEnv,
    /** The relational store of cases and corrective actions (a Postgres server at DATABASE_URL, or standalone's shared embedded one). */
    ...storeEnv,
    ...httpEnv(8082),
    ...opsEnv(9082),
    /** Read tokens → tenant: JSON object or `token=tenant,...` (see tokens.ts). */
    QUERY_TOKENS: z.string().optional(),
    /** A file holding the same format (one `token=tenant` per line is fine). */
    QUERY_TOKENS_FILE: z.string().optional(),
    /** The touchpoint catalogue file (@pulse/catalogue), the same variable and file as the worker's; no targets when unset. */
    CATALOGUE_FILE: z.string().optional(),
    /** Older name of CATALOGUE_FILE; wins when both are set. */
    QUERY_CATALOGUE_FILE: z.string().optional(),
    /** When set, apply the ClickHouse migrations in this folder at start (standalone convenience). */
    QUERY_MIGRATIONS_DIR: z.string().optional(),
    /** Cache hot windows in Redis (failures degrade to uncached). */
    QUERY_CACHE: fields.bool.default(true),
    QUERY_CACHE_TTL_SECONDS: fields.positiveInt.max(300, "must be at most 300 seconds").default(5),
    /** How far back the rollups are kept; a range starting earlier is rejected. */
    QUERY_RETENTION_DAYS: fields.positiveInt.default(400),
    /** Live stream refresh; the issue asks for at most one push per second. */
    /** W for FCR verdicts; at most the worker's FCR_WINDOW_DAYS (the rollups hold repeats up to that). */
    FCR_WINDOW_DAYS: fields.positiveInt.max(90, "must be at most 90").default(7),
    /**
     * L: how late an event may reach the rollups. A cohort's FCR is final (closed) once its bucket
     * end + W + L has passed; the early estimate censors the last L. Set it to the pipeline's real lag.
     */
    FCR_ALLOWED_LATENESS_MINUTES: z.coerce.number({ error: "must be a number of minutes" }).int("must be a whole number").min(0, "must be ≥ 0").default(60),
    QUERY_STREAM_INTERVAL_MS: fields.positiveInt.min(1000, "must be at least 1000 (one push per second at most)").default(1000),
    /** Stream limits: each channel (distinct filter set) costs one ClickHouse query per tick. */
    QUERY_STREAM_MAX_CHANNELS: fields.positiveInt.default(500),
    QUERY_STREAM_MAX_CHANNELS_PER_TENANT: fields.positiveInt.default(25),
    QUERY_STREAM_MAX_PER_CLIENT: fields.positiveInt.default(10),
    /** A stream whose client leaves more than this unread is dropped. */
    QUERY_STREAM_MAX_BUFFERED_BYTES: fields.byteSize.default(1024 * 1024),
    /** Run the alert evaluator (services/query/src/alerts) for the tenants of the tokens. */
    ALERTS_ENABLED: fields.bool.default(true),
    /** Minutes a minute waits for late events before it is evaluated. */
    ALERTS_LAG_MINUTES: z.coerce.number({ error: "must be a number of minutes" }).int("must be a whole number").min(0, "must be ≥ 0").max(60, "must be at most 60").default(2),
    /** BullMQ key prefix: the same as the jobs runner's and the CLI's. */
    QUEUE_PREFIX: z.string().min(1).default("pulse-bull"),
    /** Alert webhooks per tenant, JSON: { "<tenant>": [{ "url", "secret" (≥ 16 chars), "format": "json" | "slack" }] }. */
    ALERT_WEBHOOKS: z
      .string()
      .default("{}")
      .transform((text, ctx) => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          ctx.addIssue({ code: "custom", message: "must be a JSON object" });
          return z.NEVER;
        }
        const r = WebhookMap.safeParse(json);
        if (!r.success) {
          const i = r.error.issues[0]!;
          ctx.addIssue({ code: "custom", message: `${i.path.map(String).join(".")}: ${i.message}` });
          return z.NEVER;
        }
        return r.data;
      }),
    /** Attempts per webhook delivery before it is dead-lettered, and the first backoff (doubling). */
    ALERT_WEBHOOK_ATTEMPTS: fields.positiveInt.max(20, "must be at most 20").default(8),
    ALERT_WEBHOOK_BACKOFF_MS: fields.positiveInt.default(5_000),
  })
  .superRefine((v, ctx) => {
    if ((v.QUERY_TOKENS === undefined) === (v.QUERY_TOKENS_FILE === undefined)) {
      ctx.addIssue({ code: "custom", path: ["QUERY_TOKENS"], message: "set exactly one of QUERY_TOKENS or QUERY_TOKENS_FILE (read token → tenant map)" });
    }
  });

type ParsedEnv = z.infer<typeof queryEnvSchema>;

/** The parsed configuration: tokens are resolved and hashed, their plaintext is not kept. */
export type QueryConfig = Omit<ParsedEnv, "QUERY_TOKENS" | "QUERY_TOKENS_FILE"> & { tokens: TokenEntry[]; tokensFile: string | undefined };

export function loadQueryConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): QueryConfig {
  const { QUERY_TOKENS, QUERY_TOKENS_FILE, ...rest } = loadConfig(queryEnvSchema, env);
  let spec: string;
  const name = QUERY_TOKENS_FILE !== undefined ? "QUERY_TOKENS_FILE" : "QUERY_TOKENS";
  try {
    spec = QUERY_TOKENS_FILE !== undefined ? readFile(QUERY_TOKENS_FILE) : (QUERY_TOKENS ?? "");
  } catch (e) {
    throw new ConfigError(`invalid configuration: QUERY_TOKENS_FILE=${JSON.stringify(QUERY_TOKENS_FILE)}: cannot be read (${(e as Error).message})`);
  }
  try {
    return { ...rest, tokens: parseTokenSpec(spec), tokensFile: QUERY_TOKENS_FILE };
  } catch (e) {
    throw new ConfigError(`invalid configuration: ${name}: ${(e as Error).message}`);
  }
}

/** The stream limits a parsed configuration sets. */
export function streamLimitsOf(c: QueryConfig): StreamLimits {
  return {
    maxChannels: c.QUERY_STREAM_MAX_CHANNELS,
    maxChannelsPerTenant: c.QUERY_STREAM_MAX_CHANNELS_PER_TENANT,
    maxSubscribersPerClient: c.QUERY_STREAM_MAX_PER_CLIENT,
    maxBufferedBytes: c.QUERY_STREAM_MAX_BUFFERED_BYTES,
  };
}
