import { spawn } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PulseError } from "@pulse/kit";

/**
 * Runs `mvn -q -B <args>`. Maven stays quiet on success; on failure its (captured) output is put
 * in the error, so the reason (no network, unknown version, ...) is right there.
 */
export function runMaven(args: string[]): Promise<void> {
  const fullArgs = ["-q", "-B", "-Dstyle.color=never", ...args];
  return new Promise((resolve, reject) => {
    const child = spawn("mvn", fullArgs, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.once("error", (e) =>
      reject(
        new PulseError(
          "maven_missing",
          `could not run mvn (is Maven 3 installed and on PATH?): ${e.message}`,
        ),
      ),
    );
    child.once("close", (code) => {
      if (code === 0) return resolve();
      const output = Buffer.concat(chunks)
        .toString("utf8")
        .trim()
        .split("\n")
        .slice(-40)
        .join("\n");
      reject(
        new PulseError(
          "maven_failed",
          `mvn ${fullArgs.join(" ")} exited with ${code}:\n${output}`,
          {
            details: { args: fullArgs },
          },
        ),
      );
    });
  });
}

/**
 * Fills `dir` once: `fill(tmpDir)` downloads into a temporary sibling which is renamed into place
 * with a marker file, so an interrupted download is never mistaken for a complete one.
 * Returns false when `dir` was already complete (nothing fetched).
 */
export async function fillOnce(
  dir: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<boolean> {
  const marker = join(dir, ".complete");
  if (existsSync(marker)) return false;
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    writeFileSync(join(tmp, ".complete"), `${new Date().toISOString()}\n`);
    if (existsSync(marker)) return true; // another process finished the same download meanwhile
    rmSync(dir, { recursive: true, force: true }); // a partial copy without a marker
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process completed the same download first: theirs is as good as ours.
      if (!existsSync(marker)) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}
