import { z } from "zod";
import { checkS3Credentials, clickhouseEnv, commonEnv, eventTimeEnv, fields, kafkaEnv, redisEnv, storageEnv, storeEnv } from "@pulse/config";

export const WorkerEnv = z
  .object({
    ...commonEnv,
    ...eventTimeEnv,
    ...kafkaEnv,
    ...clickhouseEnv,
    ...redisEnv,
    ...storageEnv,
    ...storeEnv,
    /** Open follow-up cases from the stored events (the catalogue's case policy). */
    CASES_ENABLED: fields.bool.default(true),
    WORKER_GROUP_ID: z.string().min(1).default("pulse-worker"),
    /** Messages per insert; thousands keep ClickHouse parts few and inserts cheap. */
    WORKER_MAX_CHUNK: fields.positiveInt.max(100_000, "must be at most 100000").default(20000),
    /**
     * Partitions whose chunks are processed side by side. Every partition of a fetch is done before
     * the next fetch, so fewer than the partitions a worker holds means several rounds per fetch
     * (freshness at 5,000 events/s in bench:pipeline: p99 9.8 s with 3 of 6, 2.0 s with 6 of 6).
     */
    WORKER_PARTITIONS_CONCURRENTLY: fields.positiveInt.max(64).default(6),
    /** How fast a crashed member's partitions move on; the broker's minimum is 6000 by default. */
    WORKER_SESSION_TIMEOUT_MS: fields.positiveInt.min(6000, "must be at least 6000 (the broker's minimum)").default(30_000),
    /**
     * How long event ids are remembered to drop a resent event (the registry lookup reads this many
     * daily partitions, so its cost grows with the volume of the window).
     */
    WORKER_DEDUP_WINDOW_DAYS: fields.positiveInt.max(30, "must be at most 30 (the registry keeps 30 days)").default(7),
    /** A partition whose chunk keeps failing this long is reported stalled (metric, error log, `pulse status`). */
    WORKER_STALL_SECONDS: fields.positiveInt.default(60),
    /** Backoff between attempts at a failing chunk doubles up to this. */
    WORKER_RETRY_MAX_SECONDS: fields.positiveInt.default(30),
    /** Compressed archive objects kept in memory while the archive store is down; past it the partition waits. */
    ARCHIVE_MAX_PENDING_MB: fields.positiveInt.default(256),
    /**
     * `pulse replay` refuses a range in which an event was stored less than this long ago: events
     * still arriving while a replay deletes and rebuilds the range could be missed. 0 turns it off.
     */
    REPLAY_QUIET_SECONDS: z.coerce.number().int().min(0, "must be 0 or more").default(300),
    WORKER_METRICS_PORT: fields.port.default(8081),
    WORKER_HOST: z.string().default("127.0.0.1"),
    /** W: a contact followed by another of the same customer and topic within W is not resolved at first contact. */
    FCR_WINDOW_DAYS: fields.positiveInt.max(90, "must be at most 90").default(7),
    /**
     * Customer ids that name nobody in particular (an unidentified caller), comma-separated,
     * compared trimmed and case-insensitively; the empty id always counts. Their contacts are
     * left out of FCR (counted in pulse_worker_fcr_placeholder_contacts_total).
     */
    FCR_PLACEHOLDER_CUSTOMERS: z
      .string()
      .default("0,anonymous,unknown")
      .transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0)),
    CATALOGUE_FILE: z.string().optional(),
    MIGRATIONS_DIR: z.string().default("infra/clickhouse"),
  })
  .superRefine(checkS3Credentials);

export type WorkerConfig = z.infer<typeof WorkerEnv>;
