/**
 * In-memory stand-ins for PURE unit and fuzz tests only. Nothing about Kafka or Redis behaviour
 * is ever claimed from them: the integration tests run against the real servers.
 */
import type { OutMessage } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createCollectorApp, type CollectorDeps, type CollectorLimits } from "../app";
import { hashApiKey } from "../api-keys";
import type { DedupStore } from "../dedup-store";

export class FakeProducer {
  readonly sent: { topic: string; messages: OutMessage[] }[] = [];
  failWith: Error | undefined;
  /** Counts instead of keeping messages (for heap measurements). */
  discard = false;
  count = 0;
  async send(topic: string, messages: OutMessage[]): Promise<void> {
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    this.count += messages.length;
    if (!this.discard) this.sent.push({ topic, messages });
  }
  get messages(): OutMessage[] {
    return this.sent.flatMap((s) => s.messages);
  }
}

export function memoryDedupStore(): DedupStore & { keys: Set<string>; down: boolean } {
  const keys = new Set<string>();
  const store = {
    keys,
    down: false,
    async seen(tenant: string, ids: readonly string[]) {
      await Promise.resolve();
      if (store.down) return undefined;
      return new Set(ids.filter((id) => keys.has(`${tenant}:${id}`)));
    },
    async mark(tenant: string, ids: readonly string[]) {
      await Promise.resolve();
      if (store.down) return false;
      for (const id of ids) keys.add(`${tenant}:${id}`);
      return true;
    },
  };
  return store;
}

export const TEST_LIMITS: CollectorLimits = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxEvents: 10_000,
  maxDepth: 32,
  rateLimit: { eventsPerSecond: 1_000_000, burst: 1_000_000 },
  produceTimeoutMs: 5_000,
  lingerMs: 0,
  maxSendBytes: 900 * 1024,
};

export const KEY_A = "key-tenant-a";
export const KEY_B = "key-tenant-b";

export async function fakeApp(overrides: Partial<CollectorDeps> = {}) {
  const producer = new FakeProducer();
  const dedup = memoryDedupStore();
  const metrics = createMetricsRegistry("collector-test", { defaults: false });
  const app = await createCollectorApp({
    producer,
    topics: { feedback: "pulse.feedback.v1", deadLetters: "pulse.feedback.dlq.v1" },
    dedup,
    keys: [
      { sha256: hashApiKey(KEY_A), tenant: "tenant-a", source: "crm-a" },
      { sha256: hashApiKey(KEY_B), tenant: "tenant-b", source: "crm-b" },
    ],
    logger: silentLogger,
    metrics,
    limits: TEST_LIMITS,
    now: () => new Date("2025-06-01T12:00:00Z"),
    ...overrides,
  });
  return { app, producer, dedup, metrics };
}
