import { Registry, collectDefaultMetrics } from "prom-client";

export { Counter, Gauge, Histogram, Registry } from "prom-client";

/** One Prometheus registry per process, with the default process metrics and a `service` label. */
export function createMetricsRegistry(service: string, opts: { defaults?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaults ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
