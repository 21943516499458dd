import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "@pulse/kit";
import { checkS3Credentials, clickhouseEnv, kafkaEnv, loadConfig, redisEnv, storageEnv } from "./index";

const schema = z.object({ ...kafkaEnv, ...clickhouseEnv, ...redisEnv, ...storageEnv }).superRefine(checkS3Credentials);

describe("loadConfig", () => {
  it("fills the local defaults when nothing is set", () => {
    const c = loadConfig(schema, {});
    expect(c.KAFKA_BROKERS).toEqual(["localhost:9092"]);
    expect(c.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(c.CLICKHOUSE_URL).toBeUndefined();
    expect(c.CLICKHOUSE_PATH).toBe("./data/clickhouse");
    expect(c.CLICKHOUSE_CLUSTER).toBeUndefined();
    expect(c.S3_BUCKET).toBeUndefined();
    expect(c.ARCHIVE_DIR).toBe("./data/archive");
  });

  it("parses a broker list", () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: "a:1, b.example:9092" }).KAFKA_BROKERS).toEqual(["a:1", "b.example:9092"]);
  });

  it("names the variable and the rule in one line when a value is wrong", () => {
    let error: unknown;
    try {
      loadConfig(schema, { KAFKA_BROKERS: "not a url" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('KAFKA_BROKERS="not a url"');
    expect(message).toContain("host:port");
    expect(message.split("\n")).toHaveLength(1);
  });

  it("reports every wrong variable", () => {
    const run = () => loadConfig(schema, { REDIS_URL: "http://x", CLICKHOUSE_URL: "nope" });
    expect(run).toThrow(/REDIS_URL="http:\/\/x": must be a URL \(redis:\/\/ or rediss:\/\/…\)/);
    expect(run).toThrow(/CLICKHOUSE_URL="nope": must be a URL/);
  });

  it("takes a ClickHouse cluster name and refuses one that is not a plain name", () => {
    expect(loadConfig(schema, { CLICKHOUSE_CLUSTER: "eu-1.prod_a" }).CLICKHOUSE_CLUSTER).toBe("eu-1.prod_a");
    expect(() => loadConfig(schema, { CLICKHOUSE_CLUSTER: "a'; DROP" })).toThrow(/CLICKHOUSE_CLUSTER=.*must be a cluster name/);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: "" }).KAFKA_BROKERS).toEqual(["localhost:9092"]);
  });

  it("checks that S3 credentials come in pairs", () => {
    expect(() => loadConfig(schema, { S3_ACCESS_KEY_ID: "k" })).toThrow(/S3_SECRET_ACCESS_KEY: .*set together/);
    expect(loadConfig(schema, { S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }).S3_ACCESS_KEY_ID).toBe("k");
  });
});
