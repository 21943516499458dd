import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fillOnce, runMaven } from "./maven";
import { seconds, stderrProgress, type Progress } from "./progress";

/** Must match <kafka.version> in maven/kafka-pom.xml (kafka-config.test.ts checks it). */
export const KAFKA_VERSION = "3.9.1";
export const KAFKA_POM = fileURLToPath(new URL("../maven/kafka-pom.xml", import.meta.url));

export interface KafkaJarsOptions {
  /** Shared jar cache, e.g. `<repo>/.cache/maven-jars`. */
  cacheDir: string;
  progress?: Progress;
}

/** Copies the broker's jars from Maven Central into `<cacheDir>/kafka-<v>/libs` once; returns that folder. */
export async function ensureKafkaJars(opts: KafkaJarsOptions): Promise<string> {
  const progress = opts.progress ?? stderrProgress;
  const dir = join(opts.cacheDir, `kafka-${KAFKA_VERSION}`);
  const t0 = Date.now();
  const fetched = await fillOnce(dir, async (tmp) => {
    progress(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central…`);
    await runMaven([
      "-f",
      KAFKA_POM,
      "dependency:copy-dependencies",
      "-DincludeScope=runtime",
      `-DoutputDirectory=${join(tmp, "libs")}`,
    ]);
  });
  if (fetched) progress(`kafka: jars cached in ${dir} (${seconds(t0)})`);
  return join(dir, "libs");
}
