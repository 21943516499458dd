export { TOPIC_NAMES, topicNames, type Topics, type TopicRole } from "./topics";
export { createKafka, type KafkaClientConfig } from "./client";
export { createProducer, isFatalProducerError, type OutMessage, type PulseProducer } from "./producer";
export {
  createBatchConsumer,
  type BatchConsumer,
  type BatchConsumerOptions,
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
  type Batch,
} from "./consumer";
export { clusterId, consumerLag, ensureTopics, kafkaReachable, rewindGroup, waitForLeaders, type PartitionLag, type TopicSpec } from "./admin";
export type { Kafka } from "kafkajs";
