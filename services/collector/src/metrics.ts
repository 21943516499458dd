import { Counter, Histogram, type Registry } from "@pulse/kit";

/** Every Prometheus series the collector exposes on /metrics (besides the process defaults). */
export function createCollectorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    events: new Counter({
      name: "collector_events_total",
      help: "Events answered, by tenant and outcome (accepted, duplicate, rejected).",
      labelNames: ["tenant", "outcome"] as const,
      registers,
    }),
    rejections: new Counter({
      name: "collector_event_rejections_total",
      help: "Rejected events by reason code (an event with several issues counts once per distinct code).",
      labelNames: ["code"] as const,
      registers,
    }),
    duplicates: new Counter({
      name: "collector_duplicates_total",
      help: "Duplicate events, by where the earlier copy was seen (request = same body, window = idempotency store).",
      labelNames: ["scope"] as const,
      registers,
    }),
    requests: new Counter({
      name: "collector_requests_total",
      help: "Ingest requests by route and HTTP status.",
      labelNames: ["route", "status"] as const,
      registers,
    }),
    requestBytes: new Histogram({
      name: "collector_request_bytes",
      help: "Size of parsed ingest request bodies in bytes.",
      buckets: [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216],
      registers,
    }),
    requestEvents: new Histogram({
      name: "collector_request_events",
      help: "Events per ingest request.",
      buckets: [1, 10, 100, 1000, 10_000],
      registers,
    }),
    produceSeconds: new Histogram({
      name: "collector_produce_duration_seconds",
      help: "Latency of one Kafka send (until acks=all), by result.",
      labelNames: ["result"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    produceBatchMessages: new Histogram({
      name: "collector_produce_batch_messages",
      help: "Messages per Kafka send (several requests may share one).",
      buckets: [1, 10, 100, 500, 1000, 5000, 10_000],
      registers,
    }),
    kafkaUnavailable: new Counter({
      name: "collector_kafka_unavailable_total",
      help: "Requests answered 503 because Kafka did not acknowledge their events.",
      registers,
    }),
    dedupDegraded: new Counter({
      name: "collector_dedup_degraded_total",
      help: "Idempotency-store operations that failed (Redis down or slow); the duplicate check was skipped.",
      labelNames: ["op"] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: "collector_rate_limited_total",
      help: "Requests answered 429 (tenant over its events/s budget).",
      registers,
    }),
  };
}

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
