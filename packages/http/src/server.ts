import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Logger, Registry } from "@pulse/kit";
import { attachAuth, type AuthOptions, type RegisteredRoute } from "./auth";
import { createOpsServer, DEFAULT_OPS_HOST, type OpsAddress } from "./ops";
import { problem, toProblem } from "./problem";

declare module "fastify" {
  interface FastifyInstance {
    /** The ops listener (/metrics, /healthz, /readyz): listens when the app listens, if `ops` was given. */
    ops: FastifyInstance;
    /** Every route registered on the public listener with the token kind it needs. */
    routeAuth: readonly RegisteredRoute[];
  }
}

export interface HttpServerOptions {
  name: string;
  version?: string;
  description?: string;
  logger: Logger;
  metrics: Registry;
  bodyLimit?: number;
  /** Extra readiness check for /readyz (e.g. "Kafka reachable"). */
  ready?: () => Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
  fastify?: Partial<FastifyServerOptions>;
  /**
   * Route-level authentication (see auth.ts). Absent: every route is public (a server without
   * tenant data, such as a health-only listener).
   */
  auth?: AuthOptions;
  /** Where the ops listener binds when the app listens; absent: it is only reachable by inject(). */
  ops?: OpsAddress;
}

/**
 * A Fastify server with what every Pulse service shares: structured request logs, problem+json
 * errors from one handler, /healthz, /readyz, OpenAPI at /docs (/docs/json), route-level auth,
 * and /metrics on a separate ops listener (`app.ops`), never on the public port.
 * Routes are added by the caller after this returns and before `ready()`.
 */
export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger,
    // One structured line per request comes from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    // Errors Node's HTTP parser raises before Fastify sees a request (a request line or headers
    // over the limit: 431, a malformed request: 400) are problem+json too, with a stable code.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify(problem(status, tooLarge ? "headers_too_large" : "malformed_request", tooLarge ? "the request line or headers exceed 16 KiB" : "the request is not valid HTTP/1.1"));
      socket.end(`HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\nconnection: close\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    ...opts.fastify,
  }) as unknown as FastifyInstance;

  // Before any route (swagger's included) so that every route passes through it.
  const routeAuth = opts.auth ? attachAuth(app, { ...opts.auth, publicPrefixes: ["/docs", ...(opts.auth.publicPrefixes ?? [])] }) : [];
  app.decorate("routeAuth", routeAuth);
  const ops = createOpsServer({ logger: opts.logger, metrics: opts.metrics, ...(opts.ready ? { ready: opts.ready } : {}) });
  app.decorate("ops", ops);
  const opsAddress = opts.ops;
  if (opsAddress) {
    app.addHook("onListen", async () => {
      await ops.listen({ host: opsAddress.host ?? DEFAULT_OPS_HOST, port: opsAddress.port });
    });
  }
  app.addHook("onClose", async () => {
    await ops.close();
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: opts.name, version: opts.version ?? "1.0.0", ...(opts.description ? { description: opts.description } : {}) },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  app.setErrorHandler((error, request, reply) => {
    const { problem, headers } = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, "request failed");
    else request.log.info({ code: problem.code, status: problem.status }, "request rejected");
    void reply.status(problem.status).headers({ ...headers, "content-type": "application/problem+json" }).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .header("content-type", "application/problem+json")
      .send({ type: "https://pulse.dev/problems/not_found", title: "Not Found", status: 404, code: "not_found", detail: `no route ${request.method} ${request.url.split("?")[0]}` });
  });
  app.addHook("onResponse", (request, reply, done) => {
    request.log.info({ method: request.method, url: request.routeOptions.url ?? request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
    done();
  });

  app.get("/healthz", { schema: { hide: true }, config: { auth: "public" } }, () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true }, config: { auth: "public" } }, async (_req, reply) => {
    const r = opts.ready ? await opts.ready() : { ok: true };
    return reply.status(r.ok ? 200 : 503).send({ status: r.ok ? "ready" : "not_ready", ...(r.detail ?? {}) });
  });
  return app;
}
