import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runningKafkaPid } from "@pulse/local-stack";
import { afterEach, describe, expect, inject, it } from "vitest";

// Start, supervision and shutdown through real processes: `pulse stack up` and `pulse start` are
// spawned as a user (or a supervisor) runs them, with their own ports and state folder. The bounds
// below are liveness bounds (a stop that hangs fails), far above the steps' own deadlines.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const START_TIMEOUT_MS = 240_000;
const EXIT_BOUND_MS = 150_000;

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stateDir: string;
}
const runs: Run[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function pulse(args: string[], extra: Record<string, string> = {}): Promise<Run & { ports: Record<string, number> }> {
  const stateDir = mkdtempSync(join(tmpdir(), "pulse-lifecycle-"));
  const ports = {
    PULSE_KAFKA_PORT: await freePort(),
    PULSE_KAFKA_CONTROLLER_PORT: await freePort(),
    PULSE_S3_PORT: await freePort(),
    COLLECTOR_PORT: await freePort(),
    QUERY_PORT: await freePort(),
    WORKER_METRICS_PORT: await freePort(),
    COLLECTOR_METRICS_PORT: await freePort(),
    QUERY_METRICS_PORT: await freePort(),
    JOBS_PORT: await freePort(),
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["KAFKA_BROKERS", "REDIS_URL", "CLICKHOUSE_URL", "S3_ENDPOINT", "S3_BUCKET"]) delete env[k];
  Object.assign(env, Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), {
    PULSE_STACK_DIR: join(stateDir, "stack"),
    PULSE_STACK_REDIS_URL: inject("stack").REDIS_URL,
    REDIS_KEY_PREFIX: `pulse-lifecycle:${process.pid}:${runs.length}:`,
    QUEUE_PREFIX: `pulse-lifecycle-${process.pid}-${runs.length}`,
    CLICKHOUSE_PATH: join(stateDir, "clickhouse"),
    ARCHIVE_DIR: join(stateDir, "archive"),
    PULSE_DEMO: "0",
    LOG_LEVEL: "warn",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  });
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "services/cli/src/main.ts"), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const run = { child, out: () => out, exited, stateDir, ports };
  runs.push(run);
  return run;
}

async function waitForOutput(run: Run, pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.out())) {
    if (run.child.exitCode !== null) throw new Error(`exited (${run.child.exitCode}) before ${String(pattern)}:\n${run.out()}`);
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${run.out()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function exitWithin(run: Run, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([run.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]);
  clearTimeout(timer);
  if (r === null) throw new Error(`still running ${ms} ms after the signal:\n${run.out()}`);
  return r;
}

/** Processes whose command line names this run's state folder (its Kafka, its S3 server). */
function processesOf(stateDir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmd.includes(stateDir)) found.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

afterEach(() => {
  // A failed test must not leave its servers running: SIGKILL the process groups it started.
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
    for (const line of processesOf(run.stateDir)) process.kill(Number(line.split(":")[0]), "SIGKILL");
  }
});

describe("pulse stack up under a supervisor", () => {
  it("SIGTERM to its pid only stops Kafka and the S3 server and leaves no process behind", async () => {
    const run = await pulse(["stack", "up"]);
    await waitForOutput(run, /Ctrl-C stops what this run started/);
    expect(processesOf(run.stateDir).length).toBeGreaterThanOrEqual(2);
    run.child.kill("SIGTERM");
    const exit = await exitWithin(run, EXIT_BOUND_MS);
    expect(exit.code).toBe(0);
    expect(processesOf(run.stateDir)).toEqual([]);
  });
});

describe("pulse start (standalone)", () => {
  it("serves the query service's readiness check, and Ctrl-C stops everything once", async () => {
    const run = await pulse(["start", "--no-demo"]);
    await waitForOutput(run, /Pulse is running \(standalone\)/);
    const ready = await fetch(`http://127.0.0.1:${run.ports.QUERY_PORT}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${run.ports.COLLECTOR_PORT}/readyz`)).status).toBe(200);
    run.child.kill("SIGINT");
    const exit = await exitWithin(run, EXIT_BOUND_MS);
    expect(exit.code).toBe(0);
    expect(run.out()).toMatch(/pulse: stopped/);
    expect(processesOf(run.stateDir)).toEqual([]);
  });

  it("says so loudly and stops when the Kafka broker of its stack dies", async () => {
    const run = await pulse(["start", "--no-demo"]);
    await waitForOutput(run, /Pulse is running \(standalone\)/);
    const kafkaPid = runningKafkaPid(join(run.stateDir, "stack", "kafka"));
    expect(kafkaPid).toBeTypeOf("number");
    process.kill(kafkaPid as number, "SIGKILL");
    const exit = await exitWithin(run, EXIT_BOUND_MS);
    expect(exit.code).toBe(1);
    expect(run.out()).toMatch(/ERROR: kafka \(pid \d+\) exited unexpectedly/);
    expect(processesOf(run.stateDir)).toEqual([]);
  });
});
