import { z } from "zod";
import { bool, brokerList, byteSize, logLevel, port, positiveInt, url } from "./fields";

/**
 * Environment pieces shared by the services. Each service composes the pieces it uses into one
 * schema (see `services/<svc>/src/config.ts`) and parses it once in main.ts.
 * Defaults are the local stack's: Kafka on localhost:9092, Redis on 127.0.0.1:6379,
 * embedded ClickHouse in ./data/clickhouse, archive in ./data/archive unless S3_BUCKET is set.
 */
export const commonEnv = {
  LOG_LEVEL: logLevel.default("info"),
  PULSE_TENANT_FILE: z.string().optional(),
};

/**
 * The time bounds of an event, the same in every process that validates one (collector, import,
 * worker): the earliest `occurredAt` accepted (events before it are rejected with
 * `timestamp_too_early`). Not before 1970: the rollups' DateTime cannot hold anything older; that
 * is also the default (the contract's DEFAULT_MIN_OCCURRED_AT), since the shipped bank sample
 * holds calls from 1999. Set e.g. 2000-01-01T00:00:00Z to refuse older events.
 */
export const eventTimeEnv = {
  PULSE_MIN_OCCURRED_AT: z.iso
    .datetime({ offset: true, error: "must be an ISO-8601 date-time with a UTC offset, e.g. 2000-01-01T00:00:00Z" })
    .default("1970-01-01T00:00:00Z")
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() >= 0, "must not be before 1970-01-01T00:00:00Z (the rollups' DateTime starts there)"),
};

export const kafkaEnv = {
  KAFKA_BROKERS: brokerList.default(["localhost:9092"]),
  KAFKA_CLIENT_ID: z.string().min(1).default("pulse"),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, "may contain only letters, digits, '.', '_' and '-'")
    .default(""),
};

export const clickhouseEnv = {
  /** Unset: embedded chDB at CLICKHOUSE_PATH. Set: a ClickHouse server over HTTP(S). */
  CLICKHOUSE_URL: url(["http", "https"]).optional(),
  CLICKHOUSE_PATH: z.string().min(1).default("./data/clickhouse"),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier (letters, digits, _)")
    .default("pulse"),
  CLICKHOUSE_USER: z.string().default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  /** Embedded only: chDB sessions on the data folder (each runs one statement at a time). */
  CLICKHOUSE_SESSIONS: positiveInt.max(16, "must be at most 16").default(4),
  /**
   * libuv's thread-pool size, which libuv itself reads from the environment once at process start
   * (4 when unset; `./pulse` sets 16). Parsed here so the embedded client knows how many of its
   * statements may hold pool threads at once (`embeddedStatementLimit`).
   */
  UV_THREADPOOL_SIZE: positiveInt.max(1024, "must be at most 1024 (libuv's limit)").default(4),
  /**
   * Server only: the cluster (its `<remote_servers>` name) the migrations run ON CLUSTER, every
   * table as a Replicated*MergeTree (one shard of replicas). Passed to `migrate` as `{ cluster }`.
   */
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "must be a cluster name (letters, digits, '_', '.', '-')")
    .optional(),
};

/** The durable store (cases, actions). Unset DATABASE_URL: embedded PGlite in STORE_PATH. Set: a Postgres server. */
export const storeEnv = {
  DATABASE_URL: url(["postgres", "postgresql"]).optional(),
  STORE_PATH: z.string().min(1).default("./data/store"),
  /** Server only: the Postgres schema Pulse's tables live in. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case identifier (letters, digits, _)")
    .default("public"),
};

export const redisEnv = {
  REDIS_URL: url(["redis", "rediss"]).default("redis://127.0.0.1:6379"),
  REDIS_KEY_PREFIX: z.string().default("pulse:"),
};

export const storageEnv = {
  /** Unset: the archive is a local folder (ARCHIVE_DIR). Set: an S3 bucket. */
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name").optional(),
  S3_ENDPOINT: url(["http", "https"]).optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  ARCHIVE_DIR: z.string().default("./data/archive"),
};

export const httpEnv = (defaultPort: number) => ({
  HOST: z.string().default("0.0.0.0"),
  PORT: port.default(defaultPort),
});

/** The ops listener (/metrics, /healthz, /readyz): its own port, loopback unless told otherwise. */
export const opsEnv = (defaultPort: number) => ({
  METRICS_HOST: z.string().default("127.0.0.1"),
  METRICS_PORT: port.default(defaultPort),
});

export const fields = { bool, brokerList, byteSize, logLevel, port, positiveInt, url };

/** Cross-field rule: S3 credentials come in pairs. */
export function checkS3Credentials(
  v: { S3_ACCESS_KEY_ID?: string | undefined; S3_SECRET_ACCESS_KEY?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((v.S3_ACCESS_KEY_ID === undefined) !== (v.S3_SECRET_ACCESS_KEY === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [v.S3_ACCESS_KEY_ID === undefined ? "S3_ACCESS_KEY_ID" : "S3_SECRET_ACCESS_KEY"],
      message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
    });
  }
}
