import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { embeddedStatementLimit } from "./client";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const probe = fileURLToPath(new URL("./testing/threadpool-probe.ts", import.meta.url));

/** Runs the probe in a fresh process (libuv sizes its pool once per process, from the environment). */
function run(pool: string | undefined): { gzipBeforeStatements: boolean; pool: string } {
  const env = { ...process.env };
  if (pool === undefined) delete env.UV_THREADPOOL_SIZE;
  else env.UV_THREADPOOL_SIZE = pool;
  return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", probe, "6", ...(pool === undefined ? [] : [pool])], { cwd: repo, env, encoding: "utf8", timeout: 60_000 })) as { gzipBeforeStatements: boolean; pool: string };
}

describe("embedded ClickHouse leaves libuv's thread pool room for files and gzip", () => {
  // Each chDB statement holds a pool thread while it runs. Six in flight used to take all four
  // default threads, and the raw archive's gzip and file write waited seconds behind inserts.
  it("with Node's default pool of 4, six statements asked for at once do not make a gzip wait", () => {
    expect(run(undefined)).toEqual({ gzipBeforeStatements: true, pool: "default" });
  });

  it("with a larger pool (./pulse sets 16), more statements run at once and a gzip still does not wait", () => {
    expect(run("16")).toEqual({ gzipBeforeStatements: true, pool: "16" });
  });

  it("keeps two threads free whatever the pool", () => {
    expect(embeddedStatementLimit()).toBe(2);
    expect(embeddedStatementLimit(16)).toBe(14);
    expect(embeddedStatementLimit(2)).toBe(1);
    expect(embeddedStatementLimit(Number.NaN)).toBe(2);
  });
});
