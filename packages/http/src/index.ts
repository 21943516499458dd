export { createHttpServer, type HttpServerOptions } from "./server";
export { problem, toProblem, type Problem } from "./problem";
export { attachAuth, bearerToken, ForbiddenError, type Authenticator, type AuthKind, type AuthOptions, type Principal, type RegisteredRoute, type TokenKind } from "./auth";
export { createDigestAuthenticator, sha256, watchTokenFile, type ReloadableAuthenticator, type TokenDigest, type WatchTokenFileOptions } from "./tokens";
export { createOpsServer, DEFAULT_OPS_HOST, type OpsAddress, type OpsServerOptions } from "./ops";
export { integer, listOf, objectOf, string, type JsonSchema } from "./json-schema";
export { sendSignedWebhook, webhookSignature, type SignedWebhook } from "./webhook";
