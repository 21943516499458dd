import { z } from "zod";

/**
 * Pure half of ensureTopics: parse the declarative file and decide what must change.
 * Partitions only grow (Kafka cannot shrink a topic); configs listed in the file win.
 */
const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, "letters, digits, '.', '_' or '-' (max 249)");

export const TopicSpec = z.object({
  name: topicName,
  partitions: z.number().int().min(1),
  configs: z.record(z.string(), z.string()).default({}),
});
export type TopicSpec = z.infer<typeof TopicSpec>;

export const TopicsFile = z
  .object({ $comment: z.string().optional(), topics: z.array(TopicSpec).min(1) })
  .refine(
    (f) => new Set(f.topics.map((t) => t.name)).size === f.topics.length,
    "topic names must be unique",
  );
export type TopicsFile = z.infer<typeof TopicsFile>;

export function parseTopicsFile(json: unknown, source = "topics file"): TopicsFile {
  const parsed = TopicsFile.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
  throw new Error(`${source} is invalid: ${issues}`);
}

export interface ExistingTopic {
  partitions: number;
  /** Current values of (at least) the config keys the spec lists. */
  configs: Record<string, string>;
}

export type TopicAction =
  | { kind: "create"; spec: TopicSpec }
  | { kind: "add-partitions"; name: string; from: number; to: number }
  | { kind: "set-configs"; name: string; configs: Record<string, string>; changed: string[] }
  | { kind: "warn"; name: string; message: string };

export function planTopics(
  desired: TopicsFile,
  existing: ReadonlyMap<string, ExistingTopic>,
): TopicAction[] {
  const actions: TopicAction[] = [];
  for (const spec of desired.topics) {
    const current = existing.get(spec.name);
    if (current === undefined) {
      actions.push({ kind: "create", spec });
      continue;
    }
    if (spec.partitions > current.partitions) {
      actions.push({
        kind: "add-partitions",
        name: spec.name,
        from: current.partitions,
        to: spec.partitions,
      });
    } else if (spec.partitions < current.partitions) {
      actions.push({
        kind: "warn",
        name: spec.name,
        message: `has ${current.partitions} partitions, the file asks for ${spec.partitions}; Kafka cannot remove partitions, left as is`,
      });
    }
    const changed = Object.keys(spec.configs).filter((k) => current.configs[k] !== spec.configs[k]);
    if (changed.length > 0)
      actions.push({ kind: "set-configs", name: spec.name, configs: spec.configs, changed });
  }
  return actions;
}
