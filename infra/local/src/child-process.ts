import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { PulseError } from "@pulse/kit";
import { sleep } from "./net";

/**
 * Every server we spawn is registered here. Two independent guards keep JVMs from outliving us:
 *  1. on Linux the child is started through `setpriv --pdeathsig SIGKILL`, so the kernel kills it
 *     when our process dies, even on SIGKILL or a crash of node;
 *  2. a process "exit" hook SIGKILLs whatever is still registered (covers platforms without setpriv).
 * Children run in their own process group (detached) so a Ctrl-C in the terminal reaches only us,
 * and we stop them in order instead of them racing to shut down.
 */
const tracked = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of tracked.keys()) signalGroup(pid, "SIGKILL");
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

let setprivPath: string | null | undefined;
function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== "linux") return setprivPath;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "setpriv");
    try {
      accessSync(candidate, constants.X_OK);
      setprivPath = candidate;
      break;
    } catch {
      // keep looking
    }
  }
  return setprivPath;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** undefined while it runs. */
  exitStatus(): number | string | undefined;
}

export interface SpawnServerOptions {
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended here: never to our terminal. */
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function spawnServer(opts: SpawnServerOptions): ServerProcess {
  installExitHook();
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const out = openSync(opts.logFile, "a");
  const setpriv = findSetpriv();
  const [command, args] = setpriv
    ? [setpriv, ["--pdeathsig", "SIGKILL", "--", opts.command, ...opts.args]]
    : [opts.command, opts.args];
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", out, out],
      detached: true,
    });
  } finally {
    closeSync(out);
  }
  let spawnError: Error | undefined;
  child.once("error", (e) => {
    spawnError = e;
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new PulseError(
      "spawn_failed",
      `${opts.name}: could not start ${opts.command} (is it installed and on PATH?)${spawnError ? `: ${spawnError.message}` : ""}`,
    );
  }
  tracked.set(pid, child);
  // A forgotten handle must not keep a test worker alive; the exit hook still kills the child.
  child.unref();
  let status: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      tracked.delete(pid);
      status = code ?? signal ?? "unknown";
      resolve(status);
    });
  });
  return { name: opts.name, pid, exited, exitStatus: () => status };
}

/** Alive and not a zombie. Works for processes we did not start (pid files). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return process.platform !== "linux";
  }
}

/** The arguments of a running process, or [] (used to check a pid file still names our server). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const child = tracked.get(pid);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // For our own children, wait for node to reap them; a zombie still answers kill(pid, 0).
    if (child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid)) return true;
    await sleep(50);
  }
  return false;
}

/**
 * SIGTERM, wait up to `graceMs` for a clean shutdown (Kafka flushes and closes its logs), then
 * SIGKILL. Resolves once the process is gone.
 */
export async function stopProcess(pid: number, graceMs = 20_000): Promise<void> {
  if (!isAlive(pid)) return;
  signalGroup(pid, "SIGTERM");
  if (await waitForExit(pid, graceMs)) return;
  await killProcess(pid);
}

export async function killProcess(pid: number): Promise<void> {
  signalGroup(pid, "SIGKILL");
  if (!(await waitForExit(pid, 10_000))) {
    throw new PulseError("kill_failed", `process ${pid} is still alive 10s after SIGKILL`);
  }
}

let orphanWatch: NodeJS.Timeout | undefined;

/**
 * For test processes: when our parent dies (a vitest main process killed with SIGKILL leaves
 * its fork workers running as orphans), kill the servers we started and exit. Not used by the
 * CLI, where running under nohup after the shell has gone is legitimate.
 */
export function killServersWhenOrphaned(intervalMs = 1_000): void {
  if (orphanWatch !== undefined) return;
  const parent = process.ppid;
  orphanWatch = setInterval(() => {
    if (process.ppid === parent) return;
    for (const pid of tracked.keys()) signalGroup(pid, "SIGKILL");
    // Nobody is left to read our results. process.exit is intercepted inside vitest workers.
    process.kill(process.pid, "SIGKILL");
  }, intervalMs);
  orphanWatch.unref();
}

