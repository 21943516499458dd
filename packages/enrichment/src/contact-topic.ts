import { canonicalName } from "@pulse/contract";
import { detectLanguageTokens, type Lang } from "./language";
import { tokenize } from "./tokenize";
import { topicsTokens } from "./topics";

/** Whatever the worker knows about a contact that can name its topic (all optional). */
export interface ContactTopicInput {
  /** an explicit topic set by the source or the agent: used as is (normalised) */
  readonly topic?: string | null | undefined;
  /** complaint category (complaint.opened), e.g. "Billing disputes" or CFPB's Issue */
  readonly category?: string | null | undefined;
  /** contact-centre queue or skill, e.g. "billing_pl", "tech-support" */
  readonly queue?: string | null | undefined;
  /** free text (comment, complaint text, chat summary) */
  readonly text?: string | null | undefined;
  /** language of the text when already known */
  readonly lang?: Lang | undefined;
}

/** Topic of a contact nothing tells us about. Such contacts still count for FCR, all under one topic. */
export const DEFAULT_TOPIC = "general";

/**
 * The primary topic of a contact, used as part of the first-contact-resolution key ("same topic"):
 * explicit topic, else complaint category, else queue, else the text, else DEFAULT_TOPIC.
 * A category or queue is mapped through the topic keywords when it can be ("Billing disputes" →
 * billing); one that maps to nothing is used as its own slug, so two contacts with the same
 * unusual category still share a topic.
 */
export function topicForContact(c: ContactTopicInput): string {
  const explicit = slug(c.topic);
  if (explicit) return explicit;
  for (const label of [c.category, c.queue]) {
    const s = slug(label);
    if (!s) continue;
    return firstTopic(label ?? "", undefined) ?? s;
  }
  if (c.text && c.text.trim()) return firstTopic(c.text, c.lang) ?? DEFAULT_TOPIC;
  return DEFAULT_TOPIC;
}

function firstTopic(text: string, lang: Lang | undefined): string | undefined {
  const tokens = tokenize(text);
  const l = lang ?? detectLanguageTokens(tokens);
  return topicsTokens(tokens, l)[0];
}

/** "Tech Support / PL" → "tech_support_pl"; empty or blank → "". The contract's canonicalName:
 * topics follow the same rule as touchpoints, channels, segments and journey stages. */
export const slug = canonicalName;
