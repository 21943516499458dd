import { Counter, Gauge, Histogram, type Registry } from "@pulse/kit";

export type QueryMetrics = ReturnType<typeof createQueryMetrics>;

/** The service's own Prometheus series (the registry also holds the process defaults). */
export function createQueryMetrics(registry: Registry) {
  return {
    requestDuration: new Histogram({
      name: "pulse_query_request_duration_seconds",
      help: "HTTP request latency by route, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    cache: new Counter({
      name: "pulse_query_cache_total",
      help: "Redis cache look-ups by result: hit, miss, coalesced (joined an identical in-flight miss), error (served uncached)",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    clickhouseQueries: new Counter({
      name: "pulse_query_clickhouse_queries_total",
      help: "Queries sent to ClickHouse by purpose",
      labelNames: ["purpose"] as const,
      registers: [registry],
    }),
    streamSubscribers: new Gauge({
      name: "pulse_query_stream_subscribers",
      help: "Open /v1/stream connections",
      registers: [registry],
    }),
    streamChannels: new Gauge({
      name: "pulse_query_stream_channels",
      help: "Distinct (tenant, grouping, window) live channels, each polled once per tick",
      registers: [registry],
    }),
    streamRejected: new Counter({
      name: "pulse_query_stream_rejected_total",
      help: "Stream subscriptions answered 429 stream_limit, by the limit that was reached",
      labelNames: ["limit"] as const,
      registers: [registry],
    }),
    streamDropped: new Counter({
      name: "pulse_query_stream_dropped_total",
      help: "Stream connections ended by the server, by reason (slow_client: unsent bytes over the bound)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    actionWrites: new Counter({
      name: "pulse_query_action_writes_total",
      help: "Corrective-action writes by operation (create, update) and result (ok, invalid, not_found, conflict)",
      labelNames: ["op", "result"] as const,
      registers: [registry],
    }),
    actionEffects: new Counter({
      name: "pulse_query_action_effects_total",
      help: "Corrective-action effects computed from the rollups, by verdict",
      labelNames: ["verdict"] as const,
      registers: [registry],
    }),
    streamTicks: new Counter({
      name: "pulse_query_stream_ticks_total",
      help: "Stream refreshes (one ClickHouse query each, shared by every subscriber of the channel)",
      registers: [registry],
    }),
  };
}
