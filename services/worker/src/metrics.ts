import { Counter, Gauge, Histogram, type Registry } from "@pulse/kit";

export function createWorkerMetrics(registry: Registry) {
  return {
    events: new Counter({ name: "pulse_worker_events_total", help: "Events inserted into feedback_events", labelNames: ["partition"], registers: [registry] }),
    duplicates: new Counter({ name: "pulse_worker_duplicates_total", help: "Events dropped because their id was already stored", registers: [registry] }),
    alreadyStored: new Counter({
      name: "pulse_worker_already_stored_total",
      help: "Re-delivered messages found already stored at their own position (a rewound or new consumer group)",
      registers: [registry],
    }),
    chunksAppliedBefore: new Counter({
      name: "pulse_worker_chunks_applied_before_total",
      help: "Re-delivered chunks the chunk ledger showed as applied: skipped whole",
      registers: [registry],
    }),
    chunkFailures: new Counter({ name: "pulse_worker_chunk_failures_total", help: "Failed attempts at a chunk (it is retried)", labelNames: ["code"], registers: [registry] }),
    stalled: new Gauge({
      name: "pulse_worker_partition_stalled",
      help: "1 while a partition has not advanced for longer than WORKER_STALL_SECONDS because its chunk keeps failing",
      labelNames: ["partition"],
      registers: [registry],
    }),
    deadLetters: new Counter({ name: "pulse_worker_dead_letters_total", help: "Messages sent to the dead-letter topic", labelNames: ["reason"], registers: [registry] }),
    fcrContacts: new Counter({ name: "pulse_worker_fcr_contacts_total", help: "Contacts stored for first-contact resolution (fcr_contacts)", registers: [registry] }),
    fcrRepeats: new Counter({ name: "pulse_worker_fcr_repeat_rows_total", help: "Signed outcome-change rows written to fcr_repeats", registers: [registry] }),
    fcrPlaceholders: new Counter({
      name: "pulse_worker_fcr_placeholder_contacts_total",
      help: "Contacts of placeholder customer ids (FCR_PLACEHOLDER_CUSTOMERS) left out of first-contact resolution",
      registers: [registry],
    }),
    chunkSize: new Histogram({
      name: "pulse_worker_chunk_size",
      help: "Messages per insert chunk",
      buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000],
      registers: [registry],
    }),
    chunkSeconds: new Histogram({
      name: "pulse_worker_chunk_seconds",
      help: "Time to process and insert one chunk",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    stepSeconds: new Counter({
      name: "pulse_worker_chunk_step_seconds_total",
      help: "Wall-clock seconds spent in each step of chunk processing (where a chunk's time goes)",
      labelNames: ["step"],
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: "pulse_worker_insert_seconds",
      help: "ClickHouse insert of one chunk into feedback_events, materialized views included",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    eventsPerSecond: new Gauge({
      name: "pulse_worker_events_per_second",
      help: "Events inserted per second over the last 10 s, all partitions of this process",
      registers: [registry],
    }),
    freshness: new Histogram({
      name: "pulse_worker_freshness_seconds",
      help: "From the Kafka message timestamp to the event being in ClickHouse (rollups included)",
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60],
      registers: [registry],
    }),
    lag: new Gauge({ name: "pulse_worker_consumer_lag", help: "Messages behind the log end, per partition", labelNames: ["partition"], registers: [registry] }),
    degraded: new Counter({ name: "pulse_worker_degraded_total", help: "Enrichment lookups that fell back (Redis unavailable)", labelNames: ["what"], registers: [registry] }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
