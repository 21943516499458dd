/**
 * Authentication attached to the routes themselves. Every route gets an `onRequest` hook from an
 * `onRoute` hook registered before any route exists, so the check runs for whatever URL spelling
 * the router resolved to that route (`/%761/scores`, `/v1/./scores`, a trailing slash when the
 * router ignores it, ...). Nothing here looks at `request.url`.
 *
 * A route declares what it needs with `config: { auth: "public" | "read" | "write" }`; a route that
 * declares nothing gets the server's default kind, so a route added later is never open by
 * accident. Token kinds are exact: a read token never reaches a write route (it cannot change
 * state) and a write token (an ingest source) never reads a tenant's scores.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from "fastify";
import { PulseError, UnauthorizedError } from "@pulse/kit";

export type AuthKind = "public" | "read" | "write";
export type TokenKind = Exclude<AuthKind, "public">;

/** Who sent a request: everything comes from the token, never from the payload or the URL. */
export interface Principal {
  tenant: string;
  kind: TokenKind;
  /** The source system of an ingest (write) key. */
  source?: string;
}

export interface Authenticator {
  /** The principal of a presented token, or undefined when the token is unknown. */
  authenticate(token: string): Principal | undefined;
}

export interface AuthOptions {
  authenticator: Authenticator;
  /** The kind of a route that declares none. */
  defaultKind: AuthKind;
  /** Routes whose registered pattern starts with one of these are public (third-party plugins such as /docs). */
  publicPrefixes?: readonly string[];
}

export class ForbiddenError extends PulseError {
  constructor(message: string) {
    super("wrong_token_kind", message, { status: 403 });
  }
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** What the route needs; absent: the server's default kind. */
    auth?: AuthKind;
    /** Also accept `?token=` (EventSource cannot send headers). */
    authQueryToken?: boolean;
  }
  interface FastifyRequest {
    /** Set by the auth hook before the handler of every non-public route runs. */
    principal: Principal | null;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  auth: AuthKind;
}

const MAX_TOKEN_LENGTH = 512;

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const t = m?.[1];
  return t !== undefined && t.length <= MAX_TOKEN_LENGTH ? t : undefined;
}

function queryToken(request: FastifyRequest): string | undefined {
  const t = (request.query as Record<string, unknown> | null | undefined)?.token;
  return typeof t === "string" && t.length > 0 && t.length <= MAX_TOKEN_LENGTH ? t : undefined;
}

function authHook(kind: TokenKind, authenticator: Authenticator, allowQuery: boolean): onRequestHookHandler {
  return function checkToken(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const token = bearerToken(request.headers.authorization) ?? (allowQuery ? queryToken(request) : undefined);
    void reply.header("www-authenticate", `Bearer realm="pulse"`);
    if (token === undefined) return done(new UnauthorizedError(`missing ${kind} token: send Authorization: Bearer <token>`));
    const p = authenticator.authenticate(token);
    if (p === undefined) return done(new UnauthorizedError(`unknown ${kind} token`));
    if (p.kind !== kind) return done(new ForbiddenError(`this route needs a ${kind} token; a ${p.kind} token was presented`));
    request.principal = p;
    done();
  };
}

/**
 * Installs the route-level check. Must run before any route is added (createHttpServer calls it
 * first). Returns the list of routes seen with their kind, for tests and the startup log.
 */
export function attachAuth(app: FastifyInstance, opts: AuthOptions): readonly RegisteredRoute[] {
  const seen: RegisteredRoute[] = [];
  app.decorateRequest("principal", null);
  app.addHook("onRoute", (route: RouteOptions) => {
    const declared = route.config?.auth;
    const kind: AuthKind = declared ?? ((opts.publicPrefixes ?? []).some((p) => route.url.startsWith(p)) ? "public" : opts.defaultKind);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) seen.push({ method, url: route.url, auth: kind });
    if (kind === "public") return;
    const hook = authHook(kind, opts.authenticator, route.config?.authQueryToken === true);
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    // First in the route's own list: nothing of the route runs before the token is checked.
    route.onRequest = [hook, ...(existing as onRequestHookHandler[])];
  });
  return seen;
}
