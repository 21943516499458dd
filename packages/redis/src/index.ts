export { createRedis, redisReady, type Redis, type RedisConfig } from "./client";
export {
  createQueueFactory,
  QUEUE_NAMES,
  queueConnectionOptions,
  DelayedError,
  Queue,
  QueueEvents,
  Worker,
  type QueueFactory,
  type QueueFactoryConfig,
  type Job,
  type JobsOptions,
  type Processor,
} from "./queues";
