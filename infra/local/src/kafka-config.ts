import { randomBytes } from "node:crypto";

export interface KafkaConfigInput {
  port: number;
  controllerPort: number;
  /** Kafka's own data (log.dirs). */
  logDirs: string;
  numPartitions: number;
}

/**
 * server.properties for one combined broker+controller (KRaft) on loopback. The voter set is
 * static (controller.quorum.voters), so `StorageTool format` needs no --standalone flag.
 */
export function renderServerProperties(c: KafkaConfigInput): string {
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@127.0.0.1:${c.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${c.port},CONTROLLER://127.0.0.1:${c.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${c.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": c.logDirs,
    "num.partitions": c.numPartitions,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "offsets.topic.replication.factor": 1,
    // 50 partitions (the default) make the first consumer group wait for 50 loads; 5 is plenty here.
    "offsets.topic.num.partitions": 5,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 5,
    "group.initial.rebalance.delay.ms": 0,
    // Topics come from infra/kafka/topics.json; a typo in a topic name must fail, not create one.
    "auto.create.topics.enable": false,
    "delete.topic.enable": true,
    // After a crash (SIGKILL) the controller refuses the restarted broker until the old
    // registration's session expires (9s by default); 3s keeps crash tests quick.
    "broker.heartbeat.interval.ms": 1000,
    "broker.session.timeout.ms": 3000,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
    "log.retention.hours": 168,
    "log.segment.bytes": 64 * 1024 * 1024,
  };
  const lines = Object.entries(props).map(([k, v]) => `${k}=${String(v)}`);
  return `# Written by @pulse/local-stack on every start; edit src/kafka-config.ts instead.\n${lines.join("\n")}\n`;
}

/** log4j 1.x (reload4j) config: everything into a rolling file, nothing on the console. */
export function renderLog4jProperties(logFile: string): string {
  return [
    "log4j.rootLogger=INFO, file",
    "log4j.appender.file=org.apache.log4j.RollingFileAppender",
    `log4j.appender.file.File=${logFile}`,
    "log4j.appender.file.MaxFileSize=10MB",
    "log4j.appender.file.MaxBackupIndex=2",
    "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.org.apache.kafka.clients=WARN",
    "log4j.logger.kafka.request.logger=WARN",
    "",
  ].join("\n");
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    // A leading "-" would be read as an option by the StorageTool command line.
    if (!id.startsWith("-")) return id;
  }
}
