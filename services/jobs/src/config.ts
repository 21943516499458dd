import { z } from "zod";
import { checkS3Credentials, commonEnv, eventTimeEnv, fields, kafkaEnv, loadConfig, redisEnv, storageEnv, storeEnv, type Env } from "@pulse/config";

/**
 * The jobs runner's environment, parsed once in main.ts (the CLI's `pulse import` parses the same
 * schema, so both sides agree on queue prefix, brokers and storage).
 */
export const JobsEnv = z
  .object({
    ...commonEnv,
    ...eventTimeEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...storageEnv,
    ...storeEnv,
    /** The touchpoint catalogue file (the tenants' case policies: escalation teams and webhooks). */
    CATALOGUE_FILE: z.string().optional(),
    /** Signs the case escalation webhooks (x-pulse-signature, HMAC-SHA256 as the alert webhooks); unset: unsigned. */
    CASE_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    JOBS_HOST: z.string().default("127.0.0.1"),
    /** /metrics, /healthz and /readyz. */
    JOBS_PORT: fields.port.default(8083),
    /** BullMQ key prefix shared by producers (the CLI) and workers of the queues. */
    QUEUE_PREFIX: z.string().min(1).default("pulse-bull"),
    IMPORT_CONCURRENCY: fields.positiveInt.max(16, "must be at most 16").default(1),
    /** Events per Kafka send; each send is awaited (acks=all) before the next rows are read. */
    IMPORT_BATCH_SIZE: fields.positiveInt.max(10_000, "must be at most 10000").default(1000),
    /** A send is also cut at this many bytes (uncompressed), below the topic's max.message.bytes. */
    IMPORT_MAX_BATCH_BYTES: fields.byteSize.default(900 * 1024),
    /** Where `file:relative/path` inputs are resolved. */
    IMPORT_LOCAL_ROOT: z.string().min(1).default("."),
    /** BullMQ attempts for an enqueued import (retries are safe: event ids are deterministic). */
    IMPORT_ATTEMPTS: fields.positiveInt.max(20).default(3),
    /** Raw-archive objects older than this many days are deleted (replay cannot reach further back). */
    RETENTION_ARCHIVE_DAYS: fields.positiveInt.default(90),
    /** Import error reports (raw text of rejected rows) older than this many days are deleted. */
    RETENTION_ERROR_REPORT_DAYS: fields.positiveInt.default(30),
    /** Where error reports are looked for in the archive store ("" = everywhere). */
    RETENTION_ERROR_REPORT_PREFIX: z.string().default(""),
    RETENTION_INTERVAL_MINUTES: fields.positiveInt.default(60),
  })
  .superRefine(checkS3Credentials);

export type JobsConfig = z.infer<typeof JobsEnv>;

export function loadJobsConfig(env: Env): JobsConfig {
  return loadConfig(JobsEnv, env);
}
