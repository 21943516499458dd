import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from "kafkajs";

export type { Consumer, EachBatchPayload, KafkaMessage, Batch } from "kafkajs";

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /**
   * Called per fetched partition batch. Offsets are NOT auto-committed: the handler calls
   * `resolveOffset` + `commitOffsetsIfNecessary` only after its effect is durable.
   */
  eachBatch: (payload: EachBatchPayload) => Promise<void>;
  fromBeginning?: boolean;
  /** Batches of one partition are processed one at a time; this many partitions in parallel. */
  partitionsConsumedConcurrently?: number;
  config?: Partial<ConsumerConfig>;
}

export interface BatchConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Commits `offset` (the next offset to read) of one partition of this group. */
  commit(topic: string, partition: number, offset: string): Promise<void>;
  readonly raw: Consumer;
}

export function createBatchConsumer(kafka: Kafka, opts: BatchConsumerOptions): BatchConsumer {
  const raw = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
    maxWaitTimeInMs: 250,
    allowAutoTopicCreation: false,
    ...opts.config,
  });
  return {
    raw,
    async start() {
      await raw.connect();
      await raw.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
      await raw.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
        eachBatch: opts.eachBatch,
      });
    },
    async stop() {
      await raw.disconnect();
    },
    commit: (topic, partition, offset) => raw.commitOffsets([{ topic, partition, offset }]),
  };
}
