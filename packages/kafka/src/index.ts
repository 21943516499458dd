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
export { clusterId, consumerLag, kafkaReachable, rewindGroup, waitForLeaders, type PartitionLag } from "./admin";
export { declaredTopics, ensureTopics, loadTopicsFile, prefixTopics, TOPICS_FILE } from "./topic-setup";
export {
  parseTopicsFile,
  planTopics,
  type ExistingTopic,
  type TopicAction,
  type TopicSpec,
  type TopicsFile,
} from "./topics-plan";
export type { Kafka } from "kafkajs";
