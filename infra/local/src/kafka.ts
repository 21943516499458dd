import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { PulseError } from "@pulse/kit";
import { spawnServer, type ServerProcess } from "./child-process";
import { javaBin, smallJvmFlags } from "./java";
import { newClusterId, renderLog4jProperties, renderServerProperties } from "./kafka-config";
import { ensureKafkaJars } from "./kafka-jars";
import { waitForKafka } from "./kafka-ready";
import { isPortOpen } from "./net";
import { ownedPid, readyOrKilled, serverControls, stopOwnedServer } from "./pid-file";
import { seconds, stderrProgress, type Progress } from "./progress";

export interface StartKafkaOptions {
  port: number;
  controllerPort: number;
  /** Broker state: pid file, cluster id, generated config, and the log segments under kraft/. */
  dataDir: string;
  /** server.log (Kafka's log4j output) and stdout.log (anything the JVM prints itself). */
  logDir: string;
  /** Jar cache shared by all stacks, e.g. `<repo>/.cache/maven-jars`. */
  cacheDir: string;
  numPartitions?: number;
  heap?: { min: string; max: string };
  readyTimeoutMs?: number;
  progress?: Progress;
  /** Prefix of progress lines ("kafka", "kafka[private]"). */
  label?: string;
}

export interface KafkaHandle {
  readonly brokers: string[];
  /** The broker's current pid (it changes on restart). */
  readonly pid: number;
  /** True when an already running broker of this data dir was found and reused. */
  readonly reused: boolean;
  readonly dataDir: string;
  readonly logFile: string;
  /** SIGTERM (clean shutdown), resolves once the JVM has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; resolves once the JVM has exited. */
  kill(): Promise<void>;
  /** Stops (if running) and starts again on the same ports and data; resolves when ready. */
  restart(): Promise<void>;
}

const execFileP = promisify(execFile);

interface KafkaPaths {
  props: string;
  log4j: string;
  pidFile: string;
  clusterIdFile: string;
  kraftDir: string;
  serverLog: string;
  stdoutLog: string;
}

function kafkaPaths(dataDir: string, logDir: string): KafkaPaths {
  return {
    props: join(dataDir, "server.properties"),
    log4j: join(dataDir, "log4j.properties"),
    pidFile: join(dataDir, "kafka.pid"),
    clusterIdFile: join(dataDir, "cluster-id"),
    kraftDir: join(dataDir, "kraft"),
    serverLog: join(logDir, "server.log"),
    stdoutLog: join(logDir, "stdout.log"),
  };
}

/** The pid of the broker owning `dataDir` if it is running (used by `down`/`status`). */
export function runningKafkaPid(dataDir: string): number | undefined {
  const p = kafkaPaths(dataDir, dataDir);
  return ownedPid(p.pidFile, p.props);
}

export async function stopKafkaByPidFile(dataDir: string): Promise<number | undefined> {
  const p = kafkaPaths(dataDir, dataDir);
  return stopOwnedServer(p.pidFile, p.props);
}

async function formatStorageOnce(
  libs: string,
  p: KafkaPaths,
  logDir: string,
): Promise<string | undefined> {
  if (existsSync(join(p.kraftDir, "meta.properties"))) return undefined;
  const clusterId = existsSync(p.clusterIdFile)
    ? readFileSync(p.clusterIdFile, "utf8").trim()
    : newClusterId();
  writeFileSync(p.clusterIdFile, `${clusterId}\n`);
  const args = [
    "-Xmx256m",
    `-Dlog4j.configuration=file:${p.log4j}`,
    `-Dkafka.logs.dir=${logDir}`,
    "-cp",
    join(libs, "*"),
    "kafka.tools.StorageTool",
    "format",
    "-t",
    clusterId,
    "-c",
    p.props,
  ];
  try {
    await execFileP(javaBin(), args, { timeout: 60_000 });
  } catch (e) {
    const out = e as { stdout?: string; stderr?: string; message: string };
    throw new PulseError(
      "kafka_format_failed",
      `kafka: formatting ${p.kraftDir} failed: ${out.message}\n${out.stdout ?? ""}${out.stderr ?? ""}`,
    );
  }
  return clusterId;
}

export async function startKafka(opts: StartKafkaOptions): Promise<KafkaHandle> {
  const progress = opts.progress ?? stderrProgress;
  const label = opts.label ?? "kafka";
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  const p = kafkaPaths(opts.dataDir, opts.logDir);
  const brokers = [`127.0.0.1:${opts.port}`];
  mkdirSync(opts.dataDir, { recursive: true });
  mkdirSync(opts.logDir, { recursive: true });

  let current: ServerProcess | undefined;
  let pid = 0;

  const launch = async (libs: string): Promise<void> => {
    for (const port of [opts.port, opts.controllerPort]) {
      if (await isPortOpen(port)) {
        throw new PulseError(
          "port_in_use",
          `${label}: 127.0.0.1:${port} is already in use by a process that is not the broker of ${opts.dataDir}; ` +
            `stop it or pick other ports`,
        );
      }
    }
    const t0 = Date.now();
    const args = [
      ...smallJvmFlags(opts.heap ?? { min: "128m", max: "512m" }),
      `-Dlog4j.configuration=file:${p.log4j}`,
      `-Dkafka.logs.dir=${opts.logDir}`,
      "-cp",
      join(libs, "*"),
      "kafka.Kafka",
      p.props,
    ];
    current = spawnServer({
      name: label,
      command: javaBin(),
      args,
      logFile: p.stdoutLog,
      cwd: opts.dataDir,
    });
    pid = current.pid;
    const proc = current;
    await readyOrKilled(pid, p.pidFile, () =>
      waitForKafka({ brokers, timeoutMs, logFile: p.serverLog, process: proc }),
    );
    progress(`${label}: ready on ${brokers[0]} in ${seconds(t0)} (pid ${pid})`);
  };

  // pid changes on restart(): look it up at each call.
  const stop = (): Promise<void> => serverControls(pid, p.pidFile).stop();
  const kill = (): Promise<void> => serverControls(pid, p.pidFile).kill();

  let reused = false;
  const existing = ownedPid(p.pidFile, p.props);
  if (existing !== undefined) {
    // Left running by an earlier `up` (or still starting): reuse it rather than fight over the port.
    pid = existing;
    reused = true;
    await waitForKafka({ brokers, timeoutMs, logFile: p.serverLog });
    progress(`${label}: reusing the broker already running on ${brokers[0]} (pid ${pid})`);
  }

  let libs: string | undefined;
  const prepare = async (): Promise<string> => {
    libs ??= await ensureKafkaJars({ cacheDir: opts.cacheDir, progress });
    writeFileSync(
      p.props,
      renderServerProperties({
        port: opts.port,
        controllerPort: opts.controllerPort,
        logDirs: p.kraftDir,
        numPartitions: opts.numPartitions ?? 3,
      }),
    );
    writeFileSync(p.log4j, renderLog4jProperties(p.serverLog));
    const clusterId = await formatStorageOnce(libs, p, opts.logDir);
    if (clusterId !== undefined)
      progress(`${label}: formatted new storage in ${p.kraftDir} (cluster ${clusterId})`);
    return libs;
  };

  if (!reused) await launch(await prepare());

  return {
    brokers,
    get pid() {
      return pid;
    },
    reused,
    dataDir: opts.dataDir,
    logFile: p.serverLog,
    stop,
    kill,
    async restart() {
      await stop();
      await launch(await prepare());
    },
  };
}
