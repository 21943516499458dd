import { join } from "node:path";

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, otherwise `java` from PATH. */
export function javaBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, "bin", "java") : "java";
}

/**
 * JVM flags for small local servers: bounded heap (two brokers and S3 fit in ~1.5 GB), no
 * hsperfdata files in /tmp, and die on OOM instead of limping along.
 */
export function smallJvmFlags(heap: { min: string; max: string }): string[] {
  return [
    `-Xms${heap.min}`,
    `-Xmx${heap.max}`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
  ];
}
