/**
 * Errors with a stable machine-readable code. `retry` says whether doing the same thing again
 * can succeed (a broker that is down) or not (a payload that breaks a rule).
 * `status` is the HTTP status the one error handler of each service maps it to.
 */
export class PulseError extends Error {
  readonly code: string;
  readonly retry: boolean;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { retry?: boolean; status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retry = opts.retry ?? false;
    this.status = opts.status ?? 500;
    this.details = opts.details;
  }
}

export class BadRequestError extends PulseError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 400, ...(details ? { details } : {}) });
  }
}

export class UnauthorizedError extends PulseError {
  constructor(message = "missing or unknown API key") {
    super("unauthorized", message, { status: 401 });
  }
}

export class NotFoundError extends PulseError {
  constructor(message: string) {
    super("not_found", message, { status: 404 });
  }
}

export class UnavailableError extends PulseError {
  readonly retryAfterSeconds: number;
  constructor(code: string, message: string, retryAfterSeconds = 5, cause?: unknown) {
    super(code, message, { status: 503, retry: true, cause });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ConfigError extends PulseError {
  constructor(message: string) {
    super("config_invalid", message);
  }
}
