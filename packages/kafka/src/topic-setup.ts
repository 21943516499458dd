import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Admin, ConfigResourceTypes, Kafka } from "kafkajs";
import { waitForLeaders } from "./admin";
import { TOPIC_NAMES, type TopicRole } from "./topics";
import {
  parseTopicsFile,
  planTopics,
  type ExistingTopic,
  type TopicAction,
  type TopicsFile,
} from "./topics-plan";

// kafkajs is CommonJS and Node cannot see its enum as a named ESM export: use the wire value.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** Reads and checks a declarative topics file (infra/kafka/topics.json). */
export function loadTopicsFile(file: string): TopicsFile {
  return parseTopicsFile(JSON.parse(readFileSync(file, "utf8")), file);
}

/**
 * The declared topics under a prefix (see `topicNames`). Tests may ask for other partition counts
 * per role; names, configs and everything else stay as declared.
 */
export function prefixTopics(
  desired: TopicsFile,
  prefix: string,
  partitions: Partial<Record<TopicRole, number>> = {},
): TopicsFile {
  const roleOf = new Map<string, TopicRole>(
    Object.entries(TOPIC_NAMES).map(([role, name]) => [name, role as TopicRole]),
  );
  return {
    ...desired,
    topics: desired.topics.map((t) => {
      const role = roleOf.get(t.name);
      return {
        ...t,
        name: `${prefix}${t.name}`,
        partitions: (role && partitions[role]) ?? t.partitions,
      };
    }),
  };
}

/** The repository's declaration: infra/kafka/topics.json. */
export const TOPICS_FILE = fileURLToPath(new URL("../../../infra/kafka/topics.json", import.meta.url));

/** infra/kafka/topics.json under a prefix, optionally with other partition counts (tests). */
export function declaredTopics(
  prefix = "",
  partitions: Partial<Record<TopicRole, number>> = {},
): TopicsFile {
  return prefixTopics(loadTopicsFile(TOPICS_FILE), prefix, partitions);
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

function entries(configs: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(configs).map(([name, value]) => ({ name, value }));
}

async function apply(
  admin: Admin,
  action: TopicAction,
  progress: (line: string) => void,
): Promise<void> {
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
            configEntries: entries(action.spec.configs),
          },
        ],
      });
      await waitForLeaders(admin, [action.spec.name]);
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
          { type: TOPIC_RESOURCE, name: action.name, configEntries: entries(action.configs) },
        ],
      });
      progress(`topics: ${action.name} configs updated (${action.changed.join(", ")})`);
      return;
    case "warn":
      progress(`topics: warning: ${action.name} ${action.message}`);
      return;
  }
}

/**
 * Makes the broker match the declarative topics file: creates missing topics, raises partition
 * counts, sets the listed configs. Idempotent: a second run finds nothing to do and returns [].
 * The one topic set-up of Pulse: `pulse setup`, the local stack and the tests all call it.
 */
export async function ensureTopics(
  kafka: Kafka,
  desired: TopicsFile,
  opts: { progress?: (line: string) => void } = {},
): Promise<TopicAction[]> {
  const progress = opts.progress ?? (() => {});
  const admin = kafka.admin();
  await admin.connect();
  try {
    const actions = planTopics(desired, await describeExisting(admin, desired));
    for (const action of actions) await apply(admin, action, progress);
    return actions;
  } finally {
    await admin.disconnect();
  }
}
