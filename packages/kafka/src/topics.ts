/** Every topic name lives here (infra/kafka/topics.json declares their partitions and configs). */
export const TOPIC_NAMES = {
  feedback: "pulse.feedback.v1",
  deadLetters: "pulse.feedback.dlq.v1",
} as const;

export type TopicRole = keyof typeof TOPIC_NAMES;
export type Topics = Record<TopicRole, string>;

/** A prefix lets several environments (or test runs) share one cluster. */
export function topicNames(prefix = ""): Topics {
  return { feedback: `${prefix}${TOPIC_NAMES.feedback}`, deadLetters: `${prefix}${TOPIC_NAMES.deadLetters}` };
}
