import { join } from "node:path";

export type StackProfile = "dev" | "test";

export interface StackPorts {
  kafkaPort: number;
  kafkaControllerPort: number;
  s3Port: number;
  redisUrl: string;
}

export interface StackLayout extends StackPorts {
  profile: StackProfile;
  /** Everything this profile writes: kafka/, s3/, redis/, logs/, stack.env. */
  stateDir: string;
  kafkaDir: string;
  s3Dir: string;
  redisDir: string;
  logDir: string;
  /** Jars from Maven Central, shared by all profiles. */
  cacheDir: string;
  topicsFile: string;
  bucket: string;
}

/**
 * Dev and test stacks never share a port or a folder, so `pnpm test` works while `up` runs.
 * Test Redis uses database 15 of the same server, away from dev data in database 0.
 */
export const PROFILE_PORTS: Record<StackProfile, StackPorts> = {
  dev: {
    kafkaPort: 9092,
    kafkaControllerPort: 9093,
    s3Port: 9000,
    redisUrl: "redis://127.0.0.1:6379/0",
  },
  test: {
    kafkaPort: 19092,
    kafkaControllerPort: 19093,
    s3Port: 19000,
    redisUrl: "redis://127.0.0.1:6379/15",
  },
};

function defaultStateDir(root: string, profile: StackProfile): string {
  return profile === "dev" ? join(root, "data", "local-stack") : join(root, ".cache", "test-stack");
}

export function stackLayout(
  root: string,
  profile: StackProfile,
  overrides: Partial<StackPorts> & {
    stateDir?: string | undefined;
    cacheDir?: string | undefined;
  } = {},
): StackLayout {
  const {
    stateDir = defaultStateDir(root, profile),
    cacheDir = join(root, ".cache", "maven-jars"),
    ...ports
  } = overrides;
  const defined = Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined));
  return {
    ...PROFILE_PORTS[profile],
    ...defined,
    profile,
    stateDir,
    kafkaDir: join(stateDir, "kafka"),
    s3Dir: join(stateDir, "s3"),
    redisDir: join(stateDir, "redis"),
    logDir: join(stateDir, "logs"),
    cacheDir,
    topicsFile: join(root, "infra", "kafka", "topics.json"),
    bucket: profile === "dev" ? "pulse" : "pulse-test",
  };
}

/**
 * Where a stack runs when the defaults of its profile are taken (a second checkout, a test that
 * starts `pulse start` or `pulse stack up` beside a running one): PULSE_STACK_DIR, PULSE_KAFKA_PORT,
 * PULSE_KAFKA_CONTROLLER_PORT, PULSE_S3_PORT, PULSE_STACK_REDIS_URL. A bad value is an error naming
 * the variable.
 */
export function stackOverridesFromEnv(env: Record<string, string | undefined>): Partial<StackPorts> & { stateDir?: string } {
  const port = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`invalid configuration: ${name}=${JSON.stringify(v)}: must be a port number (1-65535)`);
    return n;
  };
  const out: Partial<StackPorts> & { stateDir?: string } = {};
  const kafkaPort = port("PULSE_KAFKA_PORT");
  const kafkaControllerPort = port("PULSE_KAFKA_CONTROLLER_PORT");
  const s3Port = port("PULSE_S3_PORT");
  if (kafkaPort !== undefined) out.kafkaPort = kafkaPort;
  if (kafkaControllerPort !== undefined) out.kafkaControllerPort = kafkaControllerPort;
  if (s3Port !== undefined) out.s3Port = s3Port;
  const redisUrl = env.PULSE_STACK_REDIS_URL;
  if (redisUrl) {
    if (!/^rediss?:\/\//.test(redisUrl)) throw new Error(`invalid configuration: PULSE_STACK_REDIS_URL=${JSON.stringify(redisUrl)}: must be a redis:// URL`);
    out.redisUrl = redisUrl;
  }
  if (env.PULSE_STACK_DIR) out.stateDir = env.PULSE_STACK_DIR;
  return out;
}
