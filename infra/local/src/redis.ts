import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { PulseError } from "@pulse/kit";
import { spawnServer, stopProcess } from "./child-process";
import { quoteTail } from "./log-tail";
import { sleep } from "./net";
import { removePidFile, stopOwnedServer, writePidFile } from "./pid-file";
import { seconds, stderrProgress, type Progress } from "./progress";

export interface RedisHandle {
  readonly url: string;
  /** True when we spawned redis-server; false when one was already answering. */
  readonly started: boolean;
  readonly pid: number | undefined;
  /** Stops the redis-server we started; does nothing to one we found running. */
  stop(): Promise<void>;
}

export interface EnsureRedisOptions {
  /** Where the pid file and redis.log go if we have to start redis-server (default: os tmp). */
  dataDir?: string;
  logDir?: string;
  progress?: Progress;
  readyTimeoutMs?: number;
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** PING with a short timeout and no retries: "is anyone there", not "keep trying". */
export async function pingRedis(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function pidFileFor(dataDir: string): string {
  return join(dataDir, "redis.pid");
}

const isRedisServer = (port: number) => (args: string[]) =>
  args.some((a) => a.includes("redis-server")) && args.some((a) => a.includes(String(port)));

export async function stopRedisByPidFile(
  dataDir: string,
  port: number,
): Promise<number | undefined> {
  return stopOwnedServer(pidFileFor(dataDir), isRedisServer(port));
}

export async function ensureRedis(
  url: string,
  opts: EnsureRedisOptions = {},
): Promise<RedisHandle> {
  const progress = opts.progress ?? stderrProgress;
  const notStarted: RedisHandle = { url, started: false, pid: undefined, stop: async () => {} };
  if (await pingRedis(url)) {
    progress(`redis: using the server already answering at ${url}`);
    return notStarted;
  }
  const parsed = new URL(url);
  if (!LOCAL_HOSTS.has(parsed.hostname)) {
    throw new PulseError(
      "redis_unreachable",
      `redis: nothing answers PING at ${url} and it is not local, so it cannot be started here`,
    );
  }
  const port = Number(parsed.port || 6379);
  const dataDir = opts.dataDir ?? join(process.env.TMPDIR ?? "/tmp", `pulse-redis-${port}`);
  const logFile = join(opts.logDir ?? dataDir, "redis.log");
  mkdirSync(dataDir, { recursive: true });
  const t0 = Date.now();
  progress(`redis: nothing at ${url}; starting redis-server on port ${port}`);
  const proc = spawnServer({
    name: "redis",
    command: "redis-server",
    // No persistence: local Redis holds caches and queues that the stack can rebuild.
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dataDir,
    ],
    logFile,
    cwd: dataDir,
  });
  writePidFile(pidFileFor(dataDir), proc.pid);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 10_000);
  while (!(await pingRedis(url))) {
    const status = proc.exitStatus();
    if (status !== undefined || Date.now() > deadline) {
      await stopProcess(proc.pid, 1_000);
      removePidFile(pidFileFor(dataDir));
      throw new PulseError(
        "redis_not_ready",
        `redis: redis-server on port ${port} did not answer PING.\n${quoteTail(logFile)}`,
      );
    }
    await sleep(100);
  }
  progress(`redis: ready on ${url} in ${seconds(t0)} (pid ${proc.pid})`);
  return {
    url,
    started: true,
    pid: proc.pid,
    async stop() {
      await stopProcess(proc.pid, 5_000);
      removePidFile(pidFileFor(dataDir));
    },
  };
}
