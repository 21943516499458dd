/**
 * pulse bench pipeline|query|collector|alerts [args…]: runs the bench script with this Node and
 * tsx (no pnpm needed), shows its output as it comes (progress on stderr, tables on stdout), and
 * when it succeeds appends its tables with the machine's description to BENCHMARKS.md.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";
import { join } from "node:path";
import { UsageError } from "../args";
import { BENCHES, BENCH_NAMES, appendToSection, formatRun, recordedEnv, type Machine } from "./bench-fns";
import type { CommandContext } from "./ops";

export const BENCHMARKS_FILE = "BENCHMARKS.md";

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) return `${pretty} (${type()} ${release()})`;
  } catch {
    // not Linux, or no os-release: the kernel's name is all there is
  }
  return `${type()} ${release()}`;
}

function gitCommit(root: string): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    // BENCHMARKS.md itself is what earlier runs changed: that does not make the code uncommitted.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", `:!${BENCHMARKS_FILE}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function thisMachine(root: string): Machine {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? "unknown CPU", cores: list.length, memoryBytes: totalmem(), os: osName(), node: process.version, commit: gitCommit(root) };
}

export async function benchCommand(ctx: CommandContext, argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const spec = name === undefined ? undefined : BENCHES[name];
  if (!name || !spec) throw new UsageError(`bench needs one of ${BENCH_NAMES.join("|")}${name ? ` (not "${name}")` : ""}`);
  const script = join(ctx.root, spec.script);
  if (!existsSync(script)) throw new Error(`${spec.script} is missing`);
  const at = new Date();
  const machine = thisMachine(ctx.root);
  // Same Node, tsx as a loader: the bench's children (spawned with process.execArgv) get it too.
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ctx.root, env: ctx.env, stdio: ["inherit", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    ctx.stdout.write(chunk);
  });
  // Ctrl-C reaches the bench too (same process group); wait for it to stop what it started.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  const code = await new Promise<number>((resolve) => child.on("close", (c, signal) => resolve(c ?? (signal ? 130 : 1))));
  process.off("SIGINT", ignore);
  if (code !== 0) {
    ctx.stderr.write(`pulse: the ${name} bench exited with ${code}; nothing was added to ${BENCHMARKS_FILE}\n`);
    return code;
  }
  const file = join(ctx.root, BENCHMARKS_FILE);
  const before = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const block = formatRun({ bench: name, args, env: recordedEnv(ctx.env), at, machine, output });
  writeFileSync(file, appendToSection(before, spec.section, block));
  ctx.stderr.write(`pulse: appended this run to ${BENCHMARKS_FILE} (## ${spec.section})\n`);
  return 0;
}
