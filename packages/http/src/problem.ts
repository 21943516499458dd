import { PulseError, UnavailableError } from "@pulse/kit";

/** RFC 9457 problem details, the body of every whole-request error of every Pulse service. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  431: "Request Header Fields Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `https://pulse.dev/problems/${code}`, title: TITLES[status] ?? "Error", status, detail, code, ...extra };
}

/** Maps any thrown value to a problem. Unknown errors become a 500 without internals in the body. */
export function toProblem(e: unknown): { problem: Problem; headers: Record<string, string> } {
  if (e instanceof UnavailableError) {
    return { problem: problem(503, e.code, e.message), headers: { "retry-after": String(e.retryAfterSeconds) } };
  }
  if (e instanceof PulseError) {
    return { problem: problem(e.status, e.code, e.message, e.details ?? {}), headers: {} };
  }
  // Fastify's own errors (body too large, bad content type, JSON syntax) carry statusCode + code.
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = FASTIFY_CODES[fe.code ?? ""] ?? "bad_request";
    return { problem: problem(fe.statusCode, code, fe.message ?? "bad request"), headers: {} };
  }
  return { problem: problem(500, "internal", "internal error"), headers: {} };
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "empty_body",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "bad_content_length",
  FST_ERR_VALIDATION: "invalid_parameter",
};
