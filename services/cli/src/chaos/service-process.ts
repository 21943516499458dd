import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";

/** One Pulse service (`services/<name>/src/main.ts`) as a child process, its output in a log file. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  starts = 0;

  constructor(
    private readonly root: string,
    readonly name: "collector" | "worker",
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const log = openSync(this.logFile, "a");
    this.child = spawn(process.execPath, ["--import", "tsx", join(this.root, `services/${this.name}/src/main.ts`)], {
      cwd: this.root,
      env: { ...process.env, ...this.env },
      stdio: ["ignore", log, log],
    });
    this.starts++;
  }

  /** Sends `signal` and resolves once the process has exited (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
