import type { z } from "zod";
import { ConfigError } from "@pulse/kit";

export type Env = Record<string, string | undefined>;

/**
 * Parses the environment once, at start-up. Empty strings count as unset so that
 * `FOO= pulse start` falls back to the default instead of failing on "".
 * On failure the message names every offending variable, one per line, e.g.
 *   KAFKA_BROKERS="not a url": must be a comma-separated list of host:port (e.g. localhost:9092)
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") cleaned[k] = v;
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "(environment)";
    const value = typeof issue.path[0] === "string" ? cleaned[issue.path[0]] : undefined;
    const shown = value === undefined ? "" : `=${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`;
    return `${name}${shown}: ${issue.message}`;
  });
  return failConfig(lines);
}

function failConfig(lines: string[]): never {
  throw new ConfigError(`invalid configuration: ${lines.join("; ")}`);
}

/**
 * For entry points only: runs the config loader and, on a configuration error, prints its one
 * line (naming the variables) and exits with status 2 instead of a stack trace.
 */
export function configOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`pulse ${service}: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}
