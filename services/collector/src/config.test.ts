import { describe, expect, it } from "vitest";
import { ConfigError } from "@pulse/kit";
import { hashApiKey } from "./api-keys";
import { loadCollectorConfig } from "./config";

const KEYS = `${hashApiKey("k")}:acme:crm`;

describe("collector config", () => {
  it("fills the documented defaults", () => {
    const c = loadCollectorConfig({ PULSE_API_KEYS: KEYS });
    expect(c).toMatchObject({
      PORT: 8080,
      MAX_BODY_BYTES: 5 * 1024 * 1024,
      MAX_EVENTS: 10_000,
      MAX_JSON_DEPTH: 32,
      IDEMPOTENCY_WINDOW_HOURS: 24,
      PRODUCE_LINGER_MS: 5,
      PRODUCE_CONCURRENCY: 1,
      KAFKA_BROKERS: ["localhost:9092"],
      apiKeys: [{ tenant: "acme", source: "crm" }],
    });
  });

  it("parses sizes and limits", () => {
    const c = loadCollectorConfig({ PULSE_API_KEYS: KEYS, MAX_BODY_BYTES: "512kb", RATE_LIMIT_EVENTS_PER_SECOND: "100", RATE_LIMIT_BURST: "300" });
    expect(c.MAX_BODY_BYTES).toBe(512 * 1024);
    expect(c.RATE_LIMIT_EVENTS_PER_SECOND).toBe(100);
    expect(c.RATE_LIMIT_BURST).toBe(300);
  });

  it("fails fast, naming the variable, when no key or a bad key is configured", () => {
    expect(() => loadCollectorConfig({})).toThrow(ConfigError);
    expect(() => loadCollectorConfig({})).toThrow(/PULSE_API_KEYS/);
    expect(() => loadCollectorConfig({ PULSE_API_KEYS: "x:y" })).toThrow(/PULSE_API_KEYS: entry 1/);
    expect(() => loadCollectorConfig({ PULSE_API_KEYS: KEYS, MAX_EVENTS: "0" })).toThrow(/MAX_EVENTS/);
    expect(() => loadCollectorConfig({ PULSE_API_KEYS: `${KEYS},${KEYS}` })).toThrow(/configured twice/);
  });

  it("reads keys from a JSON file", () => {
    const file = JSON.stringify([{ sha256: hashApiKey("f"), tenant: "beta", source: "survey-tool" }]);
    const c = loadCollectorConfig({ PULSE_API_KEYS_FILE: "/keys.json" }, (p) => (p === "/keys.json" ? file : ""));
    expect(c.apiKeys).toEqual([{ sha256: hashApiKey("f"), tenant: "beta", source: "survey-tool" }]);
    expect(() =>
      loadCollectorConfig({ PULSE_API_KEYS_FILE: "/missing" }, () => {
        throw new Error("ENOENT");
      }),
    ).toThrow(/PULSE_API_KEYS_FILE="\/missing": cannot be read/);
  });
});
