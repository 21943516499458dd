/**
 * Everything an import needs from the outside world, built from the jobs configuration: the Kafka
 * producer, the input resolver and the topic. Used by the jobs app and by `pulse import --inline`.
 */
import { createKafka, createProducer, topicNames, type PulseProducer } from "@pulse/kafka";
import { silentLogger, type Logger } from "@pulse/kit";
import type { JobsConfig } from "../config";
import type { ImportJobData, ImportResult } from "./import.job";
import type { ImportMetrics } from "./import.metrics";
import { createInputResolver } from "./inputs";
import { runImport, type ImportDeps, type ProgressSink } from "./run-import";

export interface ImportRunner {
  readonly deps: ImportDeps;
  readonly producer: PulseProducer;
  run(data: ImportJobData, onProgress?: ProgressSink): Promise<ImportResult>;
  close(): Promise<void>;
}

export function importDepsFromConfig(config: JobsConfig, opts: { logger?: Logger; metrics?: ImportMetrics; localRoot?: string } = {}): { deps: ImportDeps; producer: PulseProducer } {
  const logger = opts.logger ?? silentLogger;
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-import`, logger });
  const producer = createProducer(kafka);
  const resolveInput = createInputResolver({
    s3: {
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    },
    localRoot: opts.localRoot ?? config.IMPORT_LOCAL_ROOT,
  });
  const deps: ImportDeps = {
    producer,
    topic: topicNames(config.KAFKA_TOPIC_PREFIX).feedback,
    resolveInput,
    logger,
    batchSize: config.IMPORT_BATCH_SIZE,
    maxBatchBytes: config.IMPORT_MAX_BATCH_BYTES,
    minOccurredAt: config.PULSE_MIN_OCCURRED_AT,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  };
  return { deps, producer };
}

export function createImportRunner(config: JobsConfig, opts: { logger?: Logger; localRoot?: string } = {}): ImportRunner {
  const { deps, producer } = importDepsFromConfig(config, opts);
  return {
    deps,
    producer,
    run: (data, onProgress) => runImport(deps, data, onProgress),
    close: () => producer.disconnect(),
  };
}
