import { Counter, type Registry } from "@pulse/kit";

export type AlertMetrics = ReturnType<typeof createAlertMetrics>;

/** Prometheus series of the alert evaluator and the alert API. */
export function createAlertMetrics(registry: Registry) {
  return {
    minutes: new Counter({ name: "pulse_alerts_minutes_evaluated_total", help: "Tenant-minutes evaluated by the alert evaluator", registers: [registry] }),
    notifications: new Counter({
      name: "pulse_alerts_notifications_total",
      help: "Alert notifications produced, by type (firing, renotify, resolved) and whether a silence matched",
      labelNames: ["type", "silenced"] as const,
      registers: [registry],
    }),
    conflicts: new Counter({ name: "pulse_alerts_evaluation_conflicts_total", help: "Evaluation runs that lost the compare-and-set to another writer", registers: [registry] }),
    webhooks: new Counter({ name: "pulse_alerts_webhooks_total", help: "Alert webhook deliveries by outcome (delivered, dead_lettered)", labelNames: ["outcome"] as const, registers: [registry] }),
    api: new Counter({ name: "pulse_alerts_api_requests_total", help: "Alert API requests by route and outcome", labelNames: ["route", "outcome"] as const, registers: [registry] }),
  };
}
