import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { pingRedis } from "@pulse/local-stack";

/**
 * A redis-server of the chaos run's own, with the append-only file fsynced on every write
 * (`appendfsync always`), so a SIGKILL loses nothing acknowledged: what a production Redis that
 * holds Pulse's idempotency keys should run with (see docker-compose.yml).
 */
export class AofRedis {
  private child: ChildProcess | undefined;
  private paused = false;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = openSync(join(this.dir, "redis.log"), "a");
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""];
    this.child = spawn("redis-server", args, { stdio: ["ignore", log, log] });
    this.paused = false;
    for (let i = 0; i < 100; i++) {
      if (await pingRedis(this.url)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server on port ${this.port} did not answer within 10 s (see ${join(this.dir, "redis.log")})`);
  }

  /** SIGKILL, then start again on the same port and append-only file. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Unreachable while paused: connections stay open and nothing answers (a network partition). */
  pause(): void {
    if (this.child?.pid && !this.paused) {
      process.kill(this.child.pid, "SIGSTOP");
      this.paused = true;
    }
  }

  resume(): void {
    if (this.child?.pid && this.paused) {
      process.kill(this.child.pid, "SIGCONT");
      this.paused = false;
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    if (this.paused) process.kill(child.pid as number, "SIGCONT");
    await exited;
    this.child = undefined;
  }
}
