import { resolveTouchpoint, type TouchpointCatalogue } from "@pulse/catalogue";
import { canonicalName, type FeedbackEvent } from "@pulse/contract";
import { detectLanguage, redactPii, sentiment, topicForContact, topics } from "@pulse/enrichment";
import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import type { DecodedWire as Decoded } from "@pulse/contract";
import { createProfileLookup } from "./profiles";
import { eventText, type Enriched } from "./rows";

/** What a customer profile (kept in Redis by the CRM sync) adds to an event. */
export interface Profile {
  segment?: string;
  valueTier?: string;
}

/** Enrichment of one decoded event: pure rules plus what was looked up for the batch. */
export interface EnrichmentPort {
  profiles(tenant: string, customerIds: string[]): Promise<Map<string, Profile>>;
  enrich(d: Decoded, profile: Profile | undefined): Omit<Enriched, "hoursToResolve">;
}

/** The touchpoint catalogue in force for a tenant (see catalogues.ts). */
export interface Catalogues {
  forTenant(tenant: string): TouchpointCatalogue;
}

/** Pure: everything the rules derive from one event, its profile and the tenant's catalogue. */
export function enrichEvent(d: Decoded, profile: Profile | undefined, catalogue: TouchpointCatalogue): Omit<Enriched, "hoursToResolve"> {
  const e = d.event;
  const tp = resolveTouchpoint(catalogue, { source: e.source, touchpoint: e.touchpoint, channel: e.channel });
  // PII is redacted before anything else sees the text: only the redacted text is stored or analysed.
  const raw = eventText(e);
  const redacted = raw ? redactPii(raw) : null;
  const text = redacted?.text ?? "";
  const lang = text ? detectLanguage(text) : "und";
  const s = text ? sentiment(text, lang) : null;
  const tags = text ? topics(text, lang) : [];
  return {
    touchpoint: tp.touchpoint,
    // Every dimension value is stored in the contract's canonical form (canonicalName), the form
    // every query filter and catalogue lookup uses: `front-desk` is stored and found as `front_desk`.
    journeyStage: canonicalName(e.journey?.stage) || tp.journeyStage,
    // Event-supplied values win; the profile fills the gaps; a missing profile is not an error.
    segment: canonicalName(e.customer.segment ?? profile?.segment) || "unknown",
    valueTier: e.customer.valueTier ?? profile?.valueTier ?? "unknown",
    topic: contactTopic(e, text),
    text,
    lang,
    sentiment: s && s.hits > 0 ? s.score : null,
    sentimentLabel: s && s.hits > 0 ? s.label : "",
    topics: tags,
    piiRedacted: redacted ? Object.values(redacted.found).reduce((a, b) => a + b, 0) : 0,
  };
}

function contactTopic(e: FeedbackEvent, text: string): string {
  const b = e.body as { topic?: string; queue?: string; category?: string };
  return topicForContact({ topic: b.topic, category: b.category, queue: b.queue, text });
}

export function createEnrichment(deps: { redis: Redis; logger: Logger; catalogues: Catalogues; onDegraded?: (what: string) => void }): EnrichmentPort {
  const profiles = createProfileLookup(deps.redis, deps.logger, { onDegraded: () => deps.onDegraded?.("profiles") });
  return {
    profiles,
    enrich: (d, profile) => enrichEvent(d, profile, deps.catalogues.forTenant(d.tenant)),
  };
}
