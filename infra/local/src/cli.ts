/**
 * pulse local stack:  up | down | status   [--profile dev|test]
 *   up      start (or reuse) Kafka, S3 and Redis, apply topics, stay in the foreground;
 *           Ctrl-C / SIGTERM stops exactly what this run started.
 *   down    stop servers a previous `up` left running (pid files under the profile's folder).
 *   status  show what runs where.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive } from "./child-process";
import { runningKafkaPid } from "./kafka";
import { isPortOpen } from "./net";
import { pingRedis } from "./redis";
import { runningS3Pid } from "./s3";
import { startStack, stopLeftovers, type Stack } from "./stack";
import { stackLayout, type StackProfile } from "./stack-layout";

// The SDK's "node >=22 from 2027" notice would bury the addresses `up` prints; the README says it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

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

async function up(profile: StackProfile): Promise<void> {
  const stack = await startStack({ root: repoRoot, profile, fresh: false });
  process.stdout.write(`pulse ${profile} stack is up:\n${describe(stack)}\n\n`);
  for (const [k, v] of Object.entries(stack.env)) process.stdout.write(`${k}=${v}\n`);
  process.stdout.write(`\nCtrl-C stops what this run started.\n`);

  let exiting = false;
  const shutdown = (code: number, why: string): void => {
    if (exiting) {
      process.stderr.write("stack: second signal, killing now\n");
      process.exit(130); // the exit hook SIGKILLs every child we started
    }
    exiting = true;
    process.stderr.write(`stack: ${why}, stopping…\n`);
    const t0 = Date.now();
    stack.stop().then(
      () => {
        process.stderr.write(`stack: stopped in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
        process.exit(code);
      },
      (e: unknown) => {
        process.stderr.write(`stack: stop failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown(0, "SIGINT"));
  process.on("SIGTERM", () => shutdown(0, "SIGTERM"));
  process.on("SIGHUP", () => shutdown(0, "SIGHUP"));
  // Keeps the process in the foreground, and notices a server that dies under us.
  setInterval(() => {
    if (exiting) return;
    const dead = [
      { name: "kafka", pid: stack.kafka.pid, reused: stack.kafka.reused },
      { name: "s3", pid: stack.s3.pid, reused: stack.s3.reused },
    ].filter((s) => !isAlive(s.pid));
    if (dead.length > 0) {
      const what = dead.map(
        (s) => `${s.name} (pid ${s.pid}${s.reused ? ", started by another run" : ""})`,
      );
      shutdown(1, `${what.join(", ")} exited unexpectedly`);
    }
  }, 2_000);
}

async function down(profile: StackProfile): Promise<void> {
  const stopped = await stopLeftovers(stackLayout(repoRoot, profile));
  process.stdout.write(
    stopped.length > 0
      ? `stopped: ${stopped.join(", ")}\n`
      : `nothing of the ${profile} stack was running\n`,
  );
}

async function status(profile: StackProfile): Promise<void> {
  const layout = stackLayout(repoRoot, profile);
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

async function main(): Promise<void> {
  const { command, profile } = parseArgs(process.argv.slice(2));
  switch (command) {
    case "up":
      return up(profile);
    case "down":
      return down(profile);
    case "status":
      return status(profile);
    default:
      process.stdout.write("usage: pulse-stack up|down|status [--profile dev|test]\n");
      if (command !== "help" && command !== "--help") process.exitCode = 2;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`stack: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
