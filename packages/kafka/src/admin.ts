import type { Admin, Kafka } from "kafkajs";

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: bigint;
  high: bigint;
  lag: bigint;
}

/** Consumer lag per partition: log end offset minus the group's committed offset. */
export async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<PartitionLag[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === "-1" ? "0" : p.offset)]));
    return ends.map((e) => {
      const high = BigInt(e.high);
      const c = done.get(e.partition) ?? 0n;
      return { topic, partition: e.partition, committed: c, high, lag: high > c ? high - c : 0n };
    });
  } finally {
    await admin.disconnect();
  }
}

/** True when a broker answers a metadata request within the client's timeouts. */
export async function kafkaReachable(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [topic] });
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Polls the topics' metadata until every partition has a leader. kafkajs' own `waitForLeaders`
 * lets an UNKNOWN_TOPIC_OR_PARTITION answer (a broker that has not caught up with the new topic
 * yet, common on a busy machine) escape as an unhandled rejection; here it is just "not yet".
 */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    try {
      const md = await admin.fetchTopicMetadata({ topics });
      if (md.topics.length === topics.length && md.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topics ${topics.join(", ")} have no leader after ${timeoutMs} ms${last ? `: ${last}` : ""}`);
}

/** The cluster's id: it changes when a broker's storage is formatted anew. */
export async function clusterId(kafka: Kafka): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}

/** Moves a stopped group back to the start of a topic (re-delivers everything; used by tests and repairs). */
export async function rewindGroup(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.resetOffsets({ groupId, topic, earliest: true });
  } finally {
    await admin.disconnect();
  }
}
