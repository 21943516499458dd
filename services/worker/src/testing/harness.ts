import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createReader, migrate, openClickHouse, type ClickHouse } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { encodeWire } from "@pulse/contract";
import { createKafka, createProducer, declaredTopics, ensureTopics, topicNames, type Kafka, type OutMessage, type Topics } from "@pulse/kafka";
import { silentLogger } from "@pulse/kit";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const MIGRATIONS = join(REPO_ROOT, "infra/clickhouse");

/** Private topics (a unique prefix) so parallel test files never see each other's messages. */
export async function privateTopics(brokers: string[], partitions = 6): Promise<{ kafka: Kafka; topics: Topics; prefix: string }> {
  const prefix = `it-${randomUUID().slice(0, 8)}.`;
  const kafka = createKafka({ brokers, clientId: "worker-test", logger: silentLogger });
  const topics = topicNames(prefix);
  await ensureTopics(kafka, declaredTopics(prefix, { feedback: partitions, deadLetters: 1 }));
  return { kafka, topics, prefix };
}

const made: string[] = [];

/** A folder under the OS temp dir; `removeTempDirs` (an afterAll of the test file) deletes it. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function tempClickHouse(sessions = 1): Promise<{ ch: ClickHouse; path: string }> {
  const path = join(tempDir("pulse-worker-"), "ch");
  const ch = await openClickHouse({ path, database: "pulse", sessions });
  await migrate(ch, MIGRATIONS);
  return { ch, path };
}

export function wire(tenant: string, e: FeedbackEvent, receivedAt = new Date()): OutMessage {
  return encodeWire({ tenant, source: e.source, receivedAt, event: e });
}

export async function produce(kafka: Kafka, topic: string, messages: OutMessage[], batch = 500): Promise<void> {
  const p = createProducer(kafka);
  for (let i = 0; i < messages.length; i += batch) await p.send(topic, messages.slice(i, i + batch));
  await p.disconnect();
}

export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

export async function countEvents(ch: ClickHouse, tenant: string): Promise<number> {
  const [r] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
  return Number(r?.n ?? 0);
}
