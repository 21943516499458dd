/**
 * The ops listener: /metrics, /healthz and /readyz on their own port, bound to 127.0.0.1 unless
 * configured otherwise. Metrics carry tenant names and volumes (labels), so they never share the
 * public port: only whoever can reach the ops address (the node, a scraper in the same network
 * namespace) reads them.
 */
import Fastify, { LogController, type FastifyInstance } from "fastify";
import type { Logger, Registry } from "@pulse/kit";

export interface OpsServerOptions {
  logger: Logger;
  metrics: Registry;
  ready?: () => Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
}

export interface OpsAddress {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
}

export const DEFAULT_OPS_HOST = "127.0.0.1";

export function createOpsServer(opts: OpsServerOptions): FastifyInstance {
  const ops = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024,
  }) as unknown as FastifyInstance;
  ops.get("/healthz", () => ({ status: "ok" }));
  ops.get("/readyz", async (_req, reply) => {
    const r = opts.ready ? await opts.ready() : { ok: true };
    return reply.status(r.ok ? 200 : 503).send({ status: r.ok ? "ready" : "not_ready", ...(r.detail ?? {}) });
  });
  ops.get("/metrics", async (_req, reply) => reply.header("content-type", opts.metrics.contentType).send(await opts.metrics.metrics()));
  ops.setNotFoundHandler((_req, reply) => {
    void reply.status(404).header("content-type", "application/problem+json").send({ type: "https://pulse.dev/problems/not_found", title: "Not Found", status: 404, code: "not_found", detail: "the ops listener serves /metrics, /healthz and /readyz" });
  });
  return ops;
}
