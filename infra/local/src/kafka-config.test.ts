import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { newClusterId, renderLog4jProperties, renderServerProperties } from "./kafka-config";
import { KAFKA_POM, KAFKA_VERSION } from "./kafka-jars";

const props = (text: string) =>
  Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l.includes("=") && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

describe("renderServerProperties", () => {
  const p = props(
    renderServerProperties({
      port: 19092,
      controllerPort: 19093,
      logDirs: "/d/kraft",
      numPartitions: 3,
    }),
  );

  it("declares one combined KRaft node on loopback", () => {
    expect(p["process.roles"]).toBe("broker,controller");
    expect(p["controller.quorum.voters"]).toBe("1@127.0.0.1:19093");
    expect(p.listeners).toBe("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    expect(p["advertised.listeners"]).toBe("PLAINTEXT://127.0.0.1:19092");
    expect(p["log.dirs"]).toBe("/d/kraft");
  });

  it("fits a single node and never auto-creates topics", () => {
    expect(p["offsets.topic.replication.factor"]).toBe("1");
    expect(p["transaction.state.log.replication.factor"]).toBe("1");
    expect(p["transaction.state.log.min.isr"]).toBe("1");
    expect(p["group.initial.rebalance.delay.ms"]).toBe("0");
    expect(p["auto.create.topics.enable"]).toBe("false");
  });
});

describe("renderLog4jProperties", () => {
  it("logs to the given file only (no console appender)", () => {
    const text = renderLog4jProperties("/logs/server.log");
    expect(text).toContain("log4j.appender.file.File=/logs/server.log");
    expect(text).toMatch(/^log4j.rootLogger=INFO, file$/m);
    expect(text).not.toMatch(/ConsoleAppender/);
  });
});

describe("versions", () => {
  it("the Maven pom pulls the Kafka version the code expects", () => {
    expect(readFileSync(KAFKA_POM, "utf8")).toContain(
      `<kafka.version>${KAFKA_VERSION}</kafka.version>`,
    );
  });

  it("cluster ids look like Kafka's (22 base64url chars, no leading dash)", () => {
    for (let i = 0; i < 50; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
