export { ensureKafkaJars, KAFKA_VERSION, KAFKA_POM } from "./kafka-jars";
export {
  startKafka,
  runningKafkaPid,
  stopKafkaByPidFile,
  type KafkaHandle,
  type StartKafkaOptions,
} from "./kafka";
export { probeKafka, waitForKafka } from "./kafka-ready";
export {
  startS3,
  localS3Client,
  LOCAL_S3_CREDENTIALS,
  LOCAL_S3_REGION,
  type S3Handle,
  type StartS3Options,
} from "./s3";
export { ensureS3ProxyJar, S3PROXY_VERSION } from "./s3-jar";
export { freePort } from "./net";
export { ensureRedis, pingRedis, type RedisHandle, type EnsureRedisOptions } from "./redis";
export { describeDead, startStack, stopLeftovers, stackEnv, superviseStack, type DeadServer, type Stack, type StackEnv, type StartStackOptions } from "./stack";
export { runStackCommand } from "./stack-cli";
export {
  stackLayout,
  stackOverridesFromEnv,
  PROFILE_PORTS,
  type StackLayout,
  type StackPorts,
  type StackProfile,
} from "./stack-layout";
export { startPrivateKafka } from "./private-kafka";
export { stderrProgress, silentProgress, type Progress } from "./progress";
