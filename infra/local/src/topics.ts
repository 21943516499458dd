import { readFileSync } from "node:fs";
import { Kafka, logLevel, type Admin, type ConfigResourceTypes } from "kafkajs";
import {
  parseTopicsFile,
  planTopics,
  type ExistingTopic,
  type TopicAction,
  type TopicsFile,
} from "./topics-plan";
import { stderrProgress, type Progress } from "./progress";

// kafkajs is CommonJS and Node cannot see its enum as a named ESM export: use the wire value.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

export function loadTopicsFile(file: string): TopicsFile {
  return parseTopicsFile(JSON.parse(readFileSync(file, "utf8")), file);
}

async function describeExisting(
  admin: Admin,
  desired: TopicsFile,
): Promise<Map<string, ExistingTopic>> {
  const existingNames = new Set(await admin.listTopics());
  const names = desired.topics.map((t) => t.name).filter((n) => existingNames.has(n));
  const result = new Map<string, ExistingTopic>();
  if (names.length === 0) return result;
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: TOPIC_RESOURCE, name })),
  });
  for (const t of metadata.topics) {
    const resource = configs.resources.find((r) => r.resourceName === t.name);
    const values = Object.fromEntries(
      (resource?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    result.set(t.name, { partitions: t.partitions.length, configs: values });
  }
  return result;
}

async function apply(admin: Admin, action: TopicAction, progress: Progress): Promise<void> {
  switch (action.kind) {
    case "create":
      await admin.createTopics({
        // kafkajs' own wait lets an UNKNOWN_TOPIC_OR_PARTITION answer from a broker that has not
        // caught up yet escape as an unhandled rejection on a busy machine: poll instead.
        waitForLeaders: false,
        topics: [
          {
            topic: action.spec.name,
            numPartitions: action.spec.partitions,
            configEntries: Object.entries(action.spec.configs).map(([name, value]) => ({
              name,
              value,
            })),
          },
        ],
      });
      await waitForLeaders(admin, action.spec.name);
      progress(`topics: created ${action.spec.name} (${action.spec.partitions} partitions)`);
      return;
    case "add-partitions":
      await admin.createPartitions({ topicPartitions: [{ topic: action.name, count: action.to }] });
      progress(`topics: ${action.name} partitions ${action.from} -> ${action.to}`);
      return;
    case "set-configs":
      // AlterConfigs (not incremental) replaces the topic's overrides with exactly the file's set:
      // the file is the declaration, so an override removed from it goes back to the default.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: TOPIC_RESOURCE,
            name: action.name,
            configEntries: Object.entries(action.configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      progress(`topics: ${action.name} configs updated (${action.changed.join(", ")})`);
      return;
    case "warn":
      progress(`topics: warning: ${action.name} ${action.message}`);
      return;
  }
}

async function waitForLeaders(admin: Admin, topic: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
    const t = md?.topics[0];
    if (t && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topic ${topic} has no leader after ${timeoutMs} ms`);
}

/**
 * Makes the broker match the declarative topics file: creates missing topics, raises partition
 * counts, sets the listed configs. Idempotent: a second run finds nothing to do and returns [].
 */
export async function ensureTopics(
  brokers: string[],
  file: string | TopicsFile,
  opts: { progress?: Progress } = {},
): Promise<TopicAction[]> {
  const progress = opts.progress ?? stderrProgress;
  const desired = typeof file === "string" ? loadTopicsFile(file) : file;
  const admin = new Kafka({
    clientId: "pulse-local-stack-topics",
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const actions = planTopics(desired, await describeExisting(admin, desired));
    for (const action of actions) await apply(admin, action, progress);
    return actions;
  } finally {
    await admin.disconnect();
  }
}
