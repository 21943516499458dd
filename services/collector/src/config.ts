import { readFileSync } from "node:fs";
import { z } from "zod";
import { commonEnv, eventTimeEnv, fields, httpEnv, kafkaEnv, loadConfig, opsEnv, redisEnv, type Env } from "@pulse/config";
import { ConfigError } from "@pulse/kit";
import { parseApiKeyFile, parseApiKeyList, type ApiKeyEntry } from "./api-keys";

/**
 * The collector's environment, parsed once in main.ts. Sizes accept 5mb / 512kb / bytes.
 * API keys come from PULSE_API_KEYS ("sha256hex:tenant:source,...") and/or PULSE_API_KEYS_FILE
 * (a JSON array of { sha256, tenant, source }); at least one key must be configured.
 */
export const collectorEnvSchema = z
  .object({
    ...commonEnv,
    ...eventTimeEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...httpEnv(8080),
    ...opsEnv(9080),
    MAX_BODY_BYTES: fields.byteSize.default(5 * 1024 * 1024),
    MAX_EVENTS: fields.positiveInt.default(10_000),
    MAX_JSON_DEPTH: fields.positiveInt.default(32),
    IDEMPOTENCY_WINDOW_HOURS: fields.positiveInt.default(24),
    RATE_LIMIT_EVENTS_PER_SECOND: fields.positiveInt.default(5_000),
    RATE_LIMIT_BURST: fields.positiveInt.default(20_000),
    /** Concurrent requests wait this long to share one Kafka send (0 = no linger, still coalesced while a send is in flight). */
    PRODUCE_LINGER_MS: z.coerce.number({ error: "must be a number" }).min(0, "must be >= 0").max(100, "must be <= 100").default(5),
    /**
     * Idempotent producers sending at once (each its own producer id): kafkajs keeps one idempotent
     * request in flight per broker and producer, so with 1 the next batch waits for the previous
     * round trip; 2 overlaps one batch's encoding with the other's broker append.
     */
    PRODUCE_CONCURRENCY: z.coerce.number({ error: "must be a number" }).int("must be an integer").min(1, "must be >= 1").max(16, "must be <= 16").default(1),
    /** Upper bound of one Kafka send (uncompressed); below the topic's max.message.bytes (1 MiB). */
    PRODUCE_MAX_SEND_BYTES: fields.byteSize.default(900 * 1024),
    /** An HTTP answer never waits longer than this for Kafka; past it the request gets 503. */
    PRODUCE_TIMEOUT_MS: fields.positiveInt.default(15_000),
    PULSE_API_KEYS: z.string().optional(),
    PULSE_API_KEYS_FILE: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.PULSE_API_KEYS === undefined && v.PULSE_API_KEYS_FILE === undefined) {
      ctx.addIssue({ code: "custom", path: ["PULSE_API_KEYS"], message: "set PULSE_API_KEYS or PULSE_API_KEYS_FILE (no API key configured)" });
    }
  });

export type CollectorEnv = z.infer<typeof collectorEnvSchema>;
export type CollectorConfig = CollectorEnv & { apiKeys: ApiKeyEntry[] };

/** Parses the environment and the key sources; throws ConfigError naming the variable. */
export function loadCollectorConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): CollectorConfig {
  const parsed = loadConfig(collectorEnvSchema, env);
  const keys: ApiKeyEntry[] = [];
  if (parsed.PULSE_API_KEYS !== undefined) keys.push(...unwrapKeys("PULSE_API_KEYS", parseApiKeyList(parsed.PULSE_API_KEYS)));
  if (parsed.PULSE_API_KEYS_FILE !== undefined) {
    let text: string;
    try {
      text = readFile(parsed.PULSE_API_KEYS_FILE);
    } catch (e) {
      throw new ConfigError(`invalid configuration: PULSE_API_KEYS_FILE="${parsed.PULSE_API_KEYS_FILE}": cannot be read (${(e as Error).message})`);
    }
    keys.push(...unwrapKeys("PULSE_API_KEYS_FILE", parseApiKeyFile(text)));
  }
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.sha256)) throw new ConfigError(`invalid configuration: API key hash ${k.sha256.slice(0, 12)}… is configured twice`);
    seen.add(k.sha256);
  }
  return { ...parsed, apiKeys: keys };
}

function unwrapKeys(name: string, r: ReturnType<typeof parseApiKeyList>): ApiKeyEntry[] {
  if (r.ok) return r.value;
  throw new ConfigError(`invalid configuration: ${name}: ${r.error}`);
}
