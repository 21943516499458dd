import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { PulseError } from "@pulse/kit";
import { spawnServer, type ServerProcess } from "./child-process";
import { javaBin, smallJvmFlags } from "./java";
import { quoteTail } from "./log-tail";
import { isPortOpen, sleep } from "./net";
import { ownedPid, readyOrKilled, serverControls, stopOwnedServer } from "./pid-file";
import { seconds, stderrProgress, type Progress } from "./progress";
import { ensureS3ProxyJar } from "./s3-jar";

/** S3Proxy runs with authorization=none: any key pair is accepted; these are what we hand out. */
export const LOCAL_S3_CREDENTIALS = {
  accessKeyId: "pulse-local",
  secretAccessKey: "pulse-local-secret",
} as const;
export const LOCAL_S3_REGION = "us-east-1";

export interface StartS3Options {
  port: number;
  /** Pid file, generated config, and the objects under blobs/<bucket>/<key>. */
  dataDir: string;
  logDir: string;
  cacheDir: string;
  buckets: string[];
  readyTimeoutMs?: number;
  progress?: Progress;
}

export interface S3Handle {
  /** e.g. http://127.0.0.1:9000 (use path-style addressing). */
  readonly endpoint: string;
  readonly pid: number;
  readonly reused: boolean;
  readonly logFile: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function s3Paths(dataDir: string, logDir: string) {
  return {
    props: join(dataDir, "s3proxy.properties"),
    pidFile: join(dataDir, "s3proxy.pid"),
    blobs: join(dataDir, "blobs"),
    logFile: join(logDir, "s3proxy.log"),
  };
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_S3_REGION,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    maxAttempts: 1,
  });
}

export function runningS3Pid(dataDir: string): number | undefined {
  const p = s3Paths(dataDir, dataDir);
  return ownedPid(p.pidFile, p.props);
}

export async function stopS3ByPidFile(dataDir: string): Promise<number | undefined> {
  const p = s3Paths(dataDir, dataDir);
  return stopOwnedServer(p.pidFile, p.props);
}

async function waitForS3(
  endpoint: string,
  timeoutMs: number,
  logFile: string,
  proc?: ServerProcess,
): Promise<void> {
  const client = localS3Client(endpoint);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  try {
    while (Date.now() < deadline) {
      const status = proc?.exitStatus();
      if (status !== undefined) {
        throw new PulseError(
          "s3_exited",
          `s3: S3Proxy exited (${status}) before it was ready.\n${quoteTail(logFile)}`,
        );
      }
      try {
        await client.send(new ListBucketsCommand({}));
        return;
      } catch (e) {
        last = e;
        await sleep(150);
      }
    }
  } finally {
    client.destroy();
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new PulseError(
    "s3_not_ready",
    `s3: ${endpoint} not ready after ${timeoutMs / 1000}s (${reason}).\n${quoteTail(logFile)}`,
    {
      retry: true,
    },
  );
}

async function createBuckets(endpoint: string, buckets: string[]): Promise<void> {
  const client = localS3Client(endpoint);
  try {
    for (const Bucket of buckets) {
      try {
        await client.send(new CreateBucketCommand({ Bucket }));
      } catch (e) {
        const name = (e as { name?: string }).name;
        if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw e;
      }
    }
  } finally {
    client.destroy();
  }
}

export async function startS3(opts: StartS3Options): Promise<S3Handle> {
  const progress = opts.progress ?? stderrProgress;
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const p = s3Paths(opts.dataDir, opts.logDir);
  const endpoint = `http://127.0.0.1:${opts.port}`;
  mkdirSync(p.blobs, { recursive: true });
  mkdirSync(opts.logDir, { recursive: true });

  let pid = ownedPid(p.pidFile, p.props);
  const reused = pid !== undefined;
  if (pid !== undefined) {
    await waitForS3(endpoint, timeoutMs, p.logFile);
    progress(`s3: reusing S3Proxy already running on ${endpoint} (pid ${pid})`);
  } else {
    if (await isPortOpen(opts.port)) {
      throw new PulseError(
        "port_in_use",
        `s3: 127.0.0.1:${opts.port} is already in use by a process that is not the S3 server of ${opts.dataDir}`,
      );
    }
    const jar = await ensureS3ProxyJar({ cacheDir: opts.cacheDir, progress });
    writeFileSync(
      p.props,
      [
        `s3proxy.endpoint=${endpoint}`,
        "s3proxy.authorization=none",
        "jclouds.provider=filesystem",
        `jclouds.filesystem.basedir=${p.blobs}`,
        "",
      ].join("\n"),
    );
    const t0 = Date.now();
    const proc = spawnServer({
      name: "s3",
      command: javaBin(),
      args: [...smallJvmFlags({ min: "64m", max: "256m" }), "-jar", jar, "--properties", p.props],
      logFile: p.logFile,
      cwd: opts.dataDir,
      env: { ...process.env, LOG_LEVEL: "info" },
    });
    pid = proc.pid;
    await readyOrKilled(pid, p.pidFile, () => waitForS3(endpoint, timeoutMs, p.logFile, proc));
    progress(`s3: ready on ${endpoint} in ${seconds(t0)} (pid ${pid})`);
  }
  await createBuckets(endpoint, opts.buckets);
  const serverPid = pid;
  return {
    endpoint,
    pid: serverPid,
    reused,
    logFile: p.logFile,
    ...serverControls(serverPid, p.pidFile),
  };
}
