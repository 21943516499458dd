import type { FeedbackEvent } from "@pulse/contract";
import type { DecodedWire as Decoded } from "@pulse/contract";
import { redactPii } from "@pulse/enrichment";

/** What enrichment adds to an event before it is stored. */
export interface Enriched {
  touchpoint: string;
  journeyStage: string;
  segment: string;
  valueTier: string;
  /** The contact's primary topic (explicit topic, complaint category, queue or text). */
  topic: string;
  text: string;
  lang: string;
  sentiment: number | null;
  sentimentLabel: string;
  topics: string[];
  piiRedacted: number;
  hoursToResolve: number | null;
}

export interface Position {
  partition: number;
  offset: string;
}

/** Column order of the positional rows below (JSONCompactEachRow). */
export const EVENT_COLUMNS = [
  "tenant",
  "event_id",
  "type",
  "schema_version",
  "occurred_at",
  "received_at",
  "source",
  "touchpoint",
  "touchpoint_raw",
  "journey_stage",
  "case_id",
  "channel",
  "customer_id",
  "segment",
  "value_tier",
  "agent_id",
  "agent_team",
  "survey_id",
  "nps",
  "csat",
  "ces",
  "expectation",
  "experience",
  "wait_seconds",
  "handle_seconds",
  "hold_seconds",
  "transfers",
  "abandoned",
  "queue",
  "agent_resolved",
  "topic",
  "complaint_id",
  "complaint_category",
  "severity",
  "resolution",
  "hours_to_resolve",
  "text",
  "lang",
  "sentiment",
  "sentiment_label",
  "topics",
  "pii_redacted",
  "attributes",
  "kafka_partition",
  "kafka_offset",
] as const;

/** ClickHouse DateTime64(3, 'UTC') literal. */
export function chTime(d: Date | string): string {
  const iso = (typeof d === "string" ? new Date(d) : d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const flag = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

/** The text worth analysing in an event: a survey comment or a complaint's text. */
export function eventText(e: FeedbackEvent): string {
  if (e.type === "survey.response") return e.body.comment ?? "";
  if (e.type === "complaint.opened") return e.body.text;
  if (e.type === "complaint.resolved") return e.body.note ?? "";
  return "";
}

export function toEventRow(d: Decoded, x: Enriched, pos: Position): unknown[] {
  const e = d.event;
  const b = e.body as Record<string, unknown>;
  const num = (k: string): number | null => (typeof b[k] === "number" ? (b[k]) : null);
  const str = (k: string): string => (typeof b[k] === "string" ? (b[k]) : "");
  const attributes: Record<string, string> = {};
  // String attributes go through the same PII scanners as free text (messages produced by other
  // writers than the collector, and archives written before the collector redacted, included).
  for (const [k, v] of Object.entries(e.attributes ?? {})) attributes[k] = v === null ? "" : typeof v === "string" ? redactPii(v).text : String(v);
  const row: Record<(typeof EVENT_COLUMNS)[number], unknown> = {
    tenant: d.tenant,
    event_id: e.id,
    type: e.type,
    schema_version: e.schemaVersion,
    occurred_at: chTime(e.occurredAt),
    received_at: chTime(d.receivedAt),
    source: e.source,
    touchpoint: x.touchpoint,
    touchpoint_raw: e.touchpoint,
    journey_stage: x.journeyStage,
    case_id: e.journey?.caseId ?? "",
    channel: e.channel,
    customer_id: e.customer.id,
    segment: x.segment,
    value_tier: x.valueTier,
    agent_id: e.agent?.id ?? "",
    agent_team: e.agent?.team ?? "",
    survey_id: str("surveyId"),
    nps: num("nps"),
    csat: num("csat"),
    ces: num("ces"),
    // What the customer expected and what they got (1–5, survey answers only): the expectation gap.
    expectation: num("expectation"),
    experience: num("experience"),
    wait_seconds: num("waitSeconds"),
    handle_seconds: num("handleSeconds"),
    hold_seconds: num("holdSeconds"),
    transfers: num("transfers"),
    abandoned: flag(b.abandoned as boolean | undefined),
    queue: str("queue"),
    agent_resolved: flag(b.resolved as boolean | undefined),
    topic: x.topic,
    complaint_id: str("complaintId"),
    complaint_category: str("category"),
    severity: str("severity"),
    resolution: str("resolution"),
    hours_to_resolve: x.hoursToResolve,
    text: x.text,
    lang: x.lang,
    sentiment: x.sentiment,
    sentiment_label: x.sentimentLabel,
    topics: x.topics,
    pii_redacted: x.piiRedacted,
    attributes,
    kafka_partition: pos.partition,
    kafka_offset: Number(pos.offset),
  };
  return EVENT_COLUMNS.map((c) => row[c]);
}
