import { describe, expect, it } from "vitest";
import { ConfigError } from "@pulse/kit";
import { loadQueryConfig } from "./config";

describe("loadQueryConfig", () => {
  it("fills defaults and hashes the tokens", () => {
    const c = loadQueryConfig({ QUERY_TOKENS: "a-long-read-token-01=acme" });
    expect(c.PORT).toBe(8082);
    expect(c.QUERY_CACHE_TTL_SECONDS).toBe(5);
    expect(c.QUERY_STREAM_INTERVAL_MS).toBe(1000);
    expect(c.tokens).toHaveLength(1);
    expect(c.tokens[0]!.sha256).toHaveLength(32);
    expect(JSON.stringify(c)).not.toContain("a-long-read-token-01");
  });
  it("reads the token file", () => {
    const c = loadQueryConfig({ QUERY_TOKENS_FILE: "/etc/tokens" }, (p) => (p === "/etc/tokens" ? "file-read-token-0001=globex\n" : ""));
    expect(c.tokens[0]!.tenant).toBe("globex");
  });
  it("names the variable when something is wrong", () => {
    expect(() => loadQueryConfig({})).toThrow(/QUERY_TOKENS: set exactly one of QUERY_TOKENS or QUERY_TOKENS_FILE/);
    expect(() => loadQueryConfig({ QUERY_TOKENS: "x=acme" })).toThrow(ConfigError);
    expect(() => loadQueryConfig({ QUERY_TOKENS: "a-long-read-token-01=acme", QUERY_STREAM_INTERVAL_MS: "200" })).toThrow(/QUERY_STREAM_INTERVAL_MS="200": must be at least 1000/);
    expect(() =>
      loadQueryConfig({ QUERY_TOKENS_FILE: "/nope" }, () => {
        throw new Error("ENOENT");
      }),
    ).toThrow(/QUERY_TOKENS_FILE="\/nope": cannot be read/);
  });
});
