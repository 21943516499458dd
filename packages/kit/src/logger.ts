import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/** Structured JSON logs (pino) with the service name on every line. */
export function createLogger(service: string, level: string = "info", opts: LoggerOptions = {}): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...opts,
  });
}

/** A logger that writes nothing, for unit tests of code that takes a logger. */
export const silentLogger: Logger = pino({ level: "silent" });
