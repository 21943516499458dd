import { Counter, Histogram, type Registry } from "@pulse/kit";

export interface ImportMetrics {
  rows: Counter<"outcome">;
  eventsProduced: Counter;
  jobs: Counter<"status">;
  duration: Histogram;
}

export function createImportMetrics(registry: Registry): ImportMetrics {
  return {
    rows: new Counter({ name: "pulse_import_rows_total", help: "Input rows by outcome (accepted, rejected, skipped).", labelNames: ["outcome"], registers: [registry] }),
    eventsProduced: new Counter({ name: "pulse_import_events_produced_total", help: "Events acknowledged by Kafka.", registers: [registry] }),
    jobs: new Counter({ name: "pulse_import_jobs_total", help: "Finished import jobs by status.", labelNames: ["status"], registers: [registry] }),
    duration: new Histogram({ name: "pulse_import_job_seconds", help: "Import job duration.", buckets: [1, 5, 15, 60, 300, 900, 3600], registers: [registry] }),
  };
}
