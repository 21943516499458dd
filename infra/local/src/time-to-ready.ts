/**
 * Prints time-to-ready of the local stack in four situations (figures for issue notes):
 *   first-ever   empty Maven repository and empty jar cache: everything from Maven Central
 *   cold-cache   jar cache empty, ~/.m2 already has the artifacts (mvn copies only)
 *   warm-fresh   jars cached, new data dir (what each test run does: format + start)
 *   warm-reuse   jars cached, existing data dir (second `up` of the day)
 * Run: pnpm --filter @pulse/local-stack time-to-ready [--skip-first-ever]
 * Uses free ports and throwaway folders under .cache/time-to-ready; never touches dev or test state.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./net";
import { startStack } from "./stack";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(root, ".cache", "time-to-ready");

interface Figures {
  total: number;
  jars: number;
  kafka: number;
  s3: number;
}

async function measure(
  label: string,
  opts: { mavenRepo?: string; stateDir: string; fresh: boolean; jarCache: string },
) {
  const previousMavenOpts = process.env.MAVEN_OPTS;
  if (opts.mavenRepo)
    process.env.MAVEN_OPTS = `${previousMavenOpts ?? ""} -Dmaven.repo.local=${opts.mavenRepo}`;
  const marks: Record<string, number> = {};
  const t0 = Date.now();
  const progress = (line: string): void => {
    if (/jar(s)? cached/.test(line)) marks.jars = Date.now() - t0; // jars are fetched one after the other, first thing
    const ready = /^(kafka|s3): ready .* in ([\d.]+)s/.exec(line);
    if (ready) marks[ready[1]!] = Number(ready[2]) * 1000;
  };
  const [kafkaPort, kafkaControllerPort, s3Port] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const stack = await startStack({
    root,
    profile: "test",
    stateDir: opts.stateDir,
    fresh: opts.fresh,
    kafkaPort,
    kafkaControllerPort,
    s3Port,
    progress,
    cacheDir: opts.jarCache,
  });
  const total = Date.now() - t0;
  await stack.stop();
  if (previousMavenOpts === undefined) delete process.env.MAVEN_OPTS;
  else process.env.MAVEN_OPTS = previousMavenOpts;
  const f: Figures = { total, jars: marks.jars ?? 0, kafka: marks.kafka ?? 0, s3: marks.s3 ?? 0 };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`.padStart(6);
  process.stdout.write(
    `${label.padEnd(12)} total ${s(f.total)}   jar fetch ${s(f.jars)}   kafka start ${s(f.kafka)}   s3 start ${s(f.s3)}\n`,
  );
  return f;
}

async function main(): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const skipFirstEver = process.argv.includes("--skip-first-ever");
  process.stdout.write(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (2 cores)\n`,
  );
  const dir = (name: string) => mkdtempSync(join(work, `${name}-`));
  if (!skipFirstEver) {
    await measure("first-ever", {
      mavenRepo: dir("m2"),
      stateDir: join(dir("state"), "s"),
      fresh: true,
      jarCache: dir("jars"),
    });
  }
  await measure("cold-cache", {
    stateDir: join(dir("state"), "s"),
    fresh: true,
    jarCache: dir("jars"),
  });
  const warmJars = dir("jars");
  await measure("(prime)", { stateDir: join(dir("state"), "s"), fresh: true, jarCache: warmJars });
  const state = join(dir("state"), "s");
  await measure("warm-fresh", { stateDir: state, fresh: true, jarCache: warmJars });
  await measure("warm-reuse", { stateDir: state, fresh: false, jarCache: warmJars });
  process.stdout.write(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  rmSync(work, { recursive: true, force: true });
}

await main();
