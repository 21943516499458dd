import type { Redis } from "@pulse/redis";
import type { Range } from "./chunks";

/**
 * Recorded chunk ranges per partition (see chunks.ts), so a re-delivery is cut exactly as before.
 * Kept short: only ranges near the committed offset matter (a partition has one chunk in flight).
 */
export interface ChunkRanges {
  recent(topic: string, partition: number): Promise<Range[]>;
  record(topic: string, partition: number, range: Range): Promise<void>;
}

const KEEP = 64;

/**
 * Keys carry the Kafka cluster id, so ranges recorded against a broker whose storage was since
 * wiped (a fresh local stack, a rebuilt cluster) are never applied to the new log.
 */
export function createRedisChunkRanges(redis: Redis, group: string, cluster: () => Promise<string>): ChunkRanges {
  let id: Promise<string> | null = null;
  const clusterOnce = () => {
    id ??= cluster().catch((e: unknown) => {
      id = null;
      throw e;
    });
    return id;
  };
  const key = async (topic: string, partition: number) => `intents:${await clusterOnce()}:${group}:${topic}:${partition}`;
  return {
    async recent(topic, partition) {
      const items = await redis.lrange(await key(topic, partition), 0, KEEP - 1);
      return items.map((s) => {
        const [a, b] = s.split("-");
        return { start: BigInt(a ?? "0"), end: BigInt(b ?? "0") };
      });
    },
    async record(topic, partition, range) {
      const k = await key(topic, partition);
      await redis.multi().lpush(k, `${range.start}-${range.end}`).ltrim(k, 0, KEEP - 1).exec();
    },
  };
}
