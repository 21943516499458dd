import type { Logger } from "@pulse/kit";
import type { QueueFactory } from "@pulse/redis";
import { createLocalStore, createS3Store, type ObjectStore } from "@pulse/storage";
import type { JobsConfig } from "../config";
import { startRetentionJob, type RetentionJob } from "./retention.job";

/** The archive store of the deployment: the S3 bucket when S3_BUCKET is set, else ARCHIVE_DIR. */
export function archiveStoreFromConfig(c: JobsConfig): ObjectStore {
  return c.S3_BUCKET
    ? createS3Store({ bucket: c.S3_BUCKET, endpoint: c.S3_ENDPOINT, region: c.S3_REGION, accessKeyId: c.S3_ACCESS_KEY_ID, secretAccessKey: c.S3_SECRET_ACCESS_KEY, forcePathStyle: c.S3_FORCE_PATH_STYLE })
    : createLocalStore(c.ARCHIVE_DIR);
}

export function startRetentionFromConfig(c: JobsConfig, queues: QueueFactory, logger: Logger): Promise<RetentionJob> {
  return startRetentionJob({
    queues,
    store: archiveStoreFromConfig(c),
    policy: { archiveDays: c.RETENTION_ARCHIVE_DAYS, errorReportDays: c.RETENTION_ERROR_REPORT_DAYS, errorReportPrefix: c.RETENTION_ERROR_REPORT_PREFIX },
    everyMs: c.RETENTION_INTERVAL_MINUTES * 60_000,
    logger,
  });
}
