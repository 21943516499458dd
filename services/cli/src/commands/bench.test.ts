/**
 * pulse bench end to end on a scratch checkout: the real command runs a stand-in bench script with
 * Node and tsx (no pnpm), passes arguments through, and appends only a successful run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { benchCommand } from "./bench";
import type { CommandContext } from "./ops";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const SKELETON = "# Benchmarks\n\nIntro.\n\n## Collector\n\nNotes.\n\n## Alerts\n\nMore notes.\n";

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

function checkout(script: string): string {
  scratch = mkdtempSync(join(tmpdir(), "pulse-bench-cmd-"));
  symlinkSync(join(ROOT, "node_modules"), join(scratch, "node_modules"));
  mkdirSync(join(scratch, "services/collector/bench"), { recursive: true });
  writeFileSync(join(scratch, "services/collector/bench/collector.bench.ts"), script);
  writeFileSync(join(scratch, "BENCHMARKS.md"), SKELETON);
  return scratch;
}

function context(root: string, env: NodeJS.ProcessEnv = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => (stdout += c.toString()));
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const ctx = { root, env: { PATH: process.env.PATH, ...env }, stdout: out, stderr: err } as unknown as CommandContext;
  return { ctx, text: () => ({ stdout, stderr }) };
}

describe("pulse bench <name>", { timeout: 60_000 }, () => {
  it("runs the bench with its arguments, shows its output and appends it under the bench's section", async () => {
    const root = checkout(`const n: number = 2;\nconsole.log("rows " + process.argv.slice(2).join(",") + " " + n);\nprocess.stderr.write("progress\\n");\n`);
    const { ctx, text } = context(root, { BENCH_SECONDS: "3", SECRET_TOKEN: "x" });
    expect(await benchCommand(ctx, ["collector", "10", "20"])).toBe(0);
    expect(text().stdout).toBe("rows 10,20 2\n");
    const md = readFileSync(join(root, "BENCHMARKS.md"), "utf8");
    expect(md.startsWith("# Benchmarks\n\nIntro.\n\n## Collector\n\nNotes.\n\n### ")).toBe(true);
    expect(md).toContain("Command: `BENCH_SECONDS=3 ./pulse bench collector 10 20`");
    expect(md).toContain("```text\nrows 10,20 2\n```\n\n## Alerts\n\nMore notes.\n");
    expect(md).not.toContain("SECRET_TOKEN");
    expect(md).not.toContain("progress");
  });

  it("appends nothing when the bench fails, and returns its exit code", async () => {
    const root = checkout(`console.log("half a table");\nprocess.exit(3);\n`);
    const { ctx, text } = context(root);
    expect(await benchCommand(ctx, ["collector"])).toBe(3);
    expect(readFileSync(join(root, "BENCHMARKS.md"), "utf8")).toBe(SKELETON);
    expect(text().stderr).toContain("nothing was added to BENCHMARKS.md");
  });

  it("refuses an unknown bench", async () => {
    const { ctx } = context(ROOT);
    await expect(benchCommand(ctx, ["nope"])).rejects.toThrow(/pipeline\|query\|collector\|alerts/);
  });
});
