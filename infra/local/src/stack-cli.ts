/**
 * pulse local stack:  up | down | status   [--profile dev|test]   (`pulse stack ...`, or cli.ts)
 *   up      start (or reuse) Kafka, S3 and Redis, apply topics, stay in the foreground;
 *           Ctrl-C / SIGTERM stops exactly what this run started.
 *   down    stop servers a previous `up` left running (pid files under the profile's folder).
 *   status  show what runs where.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runningKafkaPid } from "./kafka";
import { createLogger, createShutdown } from "@pulse/kit";
import { isPortOpen } from "./net";
import { pingRedis } from "./redis";
import { runningS3Pid } from "./s3";
import { describeDead, startStack, stopLeftovers, superviseStack, type Stack } from "./stack";
import { stackLayout, stackOverridesFromEnv, type StackProfile } from "./stack-layout";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function parseArgs(argv: string[]): { command: string; profile: StackProfile } {
  const [command = "help", ...rest] = argv;
  let profile: StackProfile = "dev";
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value =
      arg === "--profile" ? rest[++i] : arg?.startsWith("--profile=") ? arg.slice(10) : undefined;
    if (value === "dev" || value === "test") profile = value;
    else throw new Error(`unknown argument ${arg ?? ""} (expected --profile dev|test)`);
  }
  return { command, profile };
}

function describe(stack: Stack): string {
  const { kafka, s3, redis, layout } = stack;
  const how = (reused: boolean) => (reused ? "reused" : "started");
  return [
    `  kafka  ${kafka.brokers.join(",")}  (${how(kafka.reused)}, pid ${kafka.pid}, log ${kafka.logFile})`,
    `  s3     ${s3.endpoint}  bucket ${layout.bucket}  (${how(s3.reused)}, pid ${s3.pid}, log ${s3.logFile})`,
    `  redis  ${redis.url}  (${redis.started ? `started, pid ${redis.pid ?? "?"}` : "already running"})`,
    `  env    ${join(layout.stateDir, "stack.env")}`,
  ].join("\n");
}

async function up(profile: StackProfile, env: Env): Promise<void> {
  const stack = await startStack({ root: repoRoot, profile, fresh: false, ...stackOverridesFromEnv(env) });
  process.stdout.write(`pulse ${profile} stack is up:\n${describe(stack)}\n\n`);
  for (const [k, v] of Object.entries(stack.env)) process.stdout.write(`${k}=${v}\n`);
  process.stdout.write(`\nCtrl-C stops what this run started.\n`);

  // The one shutdown helper of every entry point: each step has a deadline, so a stop ends in
  // bounded time (Kafka gets 20 s to close its logs cleanly, then SIGKILL).
  const shutdown = createShutdown(createLogger("stack", env.LOG_LEVEL ?? "warn"));
  const t0 = { at: 0 };
  shutdown.add({ name: "stack servers", run: () => stack.stop(), deadlineMs: 45_000 });
  const exit = (code: number) => {
    process.stderr.write(code === 0 ? `stack: stopped in ${((Date.now() - t0.at) / 1000).toFixed(1)}s\n` : "stack: stopped, with errors (see above)\n");
    process.exit(code); // the exit hook SIGKILLs any child still registered
  };
  shutdown.exitOnSignals({
    exit,
    onSignal: (signal) => {
      t0.at = Date.now();
      process.stderr.write(`stack: ${signal}, stopping…\n`);
    },
  });
  // Supervision: a server that dies under us stops the rest and exits 1, saying which one.
  const unwatch = superviseStack(stack, (dead) => {
    if (shutdown.stopping) return;
    t0.at = Date.now();
    process.stderr.write(`stack: ${describeDead(dead)} exited unexpectedly, stopping the rest…\n`);
    void shutdown.stop("server died").then(() => exit(1));
  });
  // Keeps the process in the foreground until a signal or a death.
  const keepAlive = setInterval(() => undefined, 60_000);
  process.once("exit", () => {
    unwatch();
    clearInterval(keepAlive);
  });
}

async function down(profile: StackProfile, env: Env): Promise<void> {
  const stopped = await stopLeftovers(stackLayout(repoRoot, profile, stackOverridesFromEnv(env)));
  process.stdout.write(
    stopped.length > 0
      ? `stopped: ${stopped.join(", ")}\n`
      : `nothing of the ${profile} stack was running\n`,
  );
}

async function status(profile: StackProfile, env: Env): Promise<void> {
  const layout = stackLayout(repoRoot, profile, stackOverridesFromEnv(env));
  const line = async (name: string, port: number, pid: number | undefined): Promise<string> => {
    const open = await isPortOpen(port);
    const owner = pid !== undefined ? `pid ${pid}` : open ? "not started by this stack" : "down";
    return `  ${name.padEnd(6)} 127.0.0.1:${port}  ${open ? "listening" : "not listening"}  (${owner})`;
  };
  const lines = [
    await line("kafka", layout.kafkaPort, runningKafkaPid(layout.kafkaDir)),
    await line("s3", layout.s3Port, runningS3Pid(layout.s3Dir)),
    `  redis  ${layout.redisUrl}  ${(await pingRedis(layout.redisUrl)) ? "answers PING" : "no answer"}`,
  ];
  const envFile = join(layout.stateDir, "stack.env");
  process.stdout.write(`pulse ${profile} stack:\n${lines.join("\n")}\n`);
  if (existsSync(envFile)) process.stdout.write(`\n${readFileSync(envFile, "utf8")}`);
}

type Env = Record<string, string | undefined>;

/**
 * Runs one stack command in this process. `up` stays in the foreground: SIGINT, SIGTERM or SIGHUP
 * to this process stops exactly what it started and exits (run in-process on purpose, so a
 * supervisor that signals only the main pid leaves nothing behind).
 */
export async function runStackCommand(argv: string[], env: Env = process.env): Promise<void> {
  const { command, profile } = parseArgs(argv);
  switch (command) {
    case "up":
      return up(profile, env);
    case "down":
      return down(profile, env);
    case "status":
      return status(profile, env);
    default:
      process.stdout.write("usage: pulse stack up|down|status [--profile dev|test]\n");
      if (command !== "help" && command !== "--help") process.exitCode = 2;
  }
}
