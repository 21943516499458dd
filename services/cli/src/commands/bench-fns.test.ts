import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BENCHES, appendToSection, cleanOutput, describeMachine, formatRun, recordedEnv, type BenchRun } from "./bench-fns";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

const machine = { cpu: "Test CPU @ 2.00GHz", cores: 2, memoryBytes: 8 * 1024 ** 3, os: "Linux 6.1", node: "v20.20.2", commit: "0123456789ab" };
const run = (over: Partial<BenchRun> = {}): BenchRun => ({ bench: "collector", args: [], env: [], at: new Date("2026-12-01T00:30:00.123Z"), machine, output: "rate 1\n", ...over });

describe("pulse bench: which script", () => {
  it("runs the same file as the root package.json's bench:<name> script, for every bench", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const rootBenches = Object.keys(scripts)
      .filter((k) => k.startsWith("bench:"))
      .map((k) => k.slice("bench:".length))
      .sort();
    expect(Object.keys(BENCHES).sort()).toEqual(rootBenches);
    for (const [name, spec] of Object.entries(BENCHES)) {
      expect(scripts[`bench:${name}`]).toBe(`tsx ${spec.script}`);
      expect(existsSync(join(ROOT, spec.script))).toBe(true);
    }
  });

  it("BENCHMARKS.md has a section for every bench", () => {
    const md = readFileSync(join(ROOT, "BENCHMARKS.md"), "utf8");
    for (const spec of Object.values(BENCHES)) expect(md).toMatch(new RegExp(`^## ${spec.section}$`, "m"));
  });
});

describe("pulse bench: what a run records", () => {
  it("records every BENCH_* knob and the broker, sorted, and nothing else", () => {
    expect(recordedEnv({ PATH: "/bin", BENCH_SECONDS: "5", HOME: "/h", BENCH_EVENTS: "1000", KAFKA_BROKERS: "b:1", BENCH_EMPTY: "", CLICKHOUSE_URL: "x" })).toEqual([
      ["BENCH_EVENTS", "1000"],
      ["BENCH_SECONDS", "5"],
      ["KAFKA_BROKERS", "b:1"],
    ]);
  });

  it("drops terminal escapes and progress redraws from the output", () => {
    expect(cleanOutput("\n\u001b[32mok\u001b[0m  row\r\nprogress 10%\rprogress 100%\ndone   \n\n")).toBe("ok  row\nprogress 100%\ndone");
  });

  it("describes the machine with GiB to one decimal", () => {
    expect(describeMachine({ ...machine, memoryBytes: 1.5 * 1024 ** 3 })).toBe("Test CPU @ 2.00GHz · 2 cores · 1.5 GiB RAM · Linux 6.1 · Node v20.20.2 · commit 0123456789ab");
  });

  it("formats a run: heading at the second, the command with its knobs, the machine, the output fenced", () => {
    const text = formatRun(run({ args: ["30000", "5000"], env: [["BENCH_SECONDS", "5"]], output: "a  1\nb  2\n" }));
    expect(text).toBe(
      [
        "### 2026-12-01T00:30:00Z",
        "",
        "Command: `BENCH_SECONDS=5 ./pulse bench collector 30000 5000`",
        "",
        "Machine: Test CPU @ 2.00GHz · 2 cores · 8.0 GiB RAM · Linux 6.1 · Node v20.20.2 · commit 0123456789ab",
        "",
        "```text",
        "a  1",
        "b  2",
        "```",
      ].join("\n"),
    );
  });

  it("fences output that itself holds backticks with a longer fence", () => {
    const text = formatRun(run({ output: "x ``` y" }));
    expect(text).toContain("````text\nx ``` y\n````");
  });
});

describe("pulse bench: appending to BENCHMARKS.md", () => {
  const doc = ["# Benchmarks", "", "Intro.", "", "## Pipeline", "", "Notes.", "", "## Collector", "", "Before/after.", "", "## Alerts", ""].join("\n");

  it("adds the run at the end of its section, before the next one, leaving every other byte as it was", () => {
    const out = appendToSection(doc, "Collector", "### run 1");
    expect(out).toBe(["# Benchmarks", "", "Intro.", "", "## Pipeline", "", "Notes.", "", "## Collector", "", "Before/after.", "", "### run 1", "", "## Alerts", ""].join("\n"));
  });

  it("appends runs in order: a second run goes after the first", () => {
    const out = appendToSection(appendToSection(doc, "Collector", "### run 1"), "Collector", "### run 2");
    expect(out.indexOf("### run 1")).toBeLessThan(out.indexOf("### run 2"));
    expect(out.indexOf("### run 2")).toBeLessThan(out.indexOf("## Alerts"));
    expect(out.startsWith(doc.slice(0, doc.indexOf("## Alerts") - 1))).toBe(true);
  });

  it("appends to the last section at the end of the file", () => {
    expect(appendToSection(doc, "Alerts", "### run")).toBe(`${doc.replace(/\n$/, "")}\n\n### run\n`);
  });

  it("does not take a '## ' line inside an earlier run's output for a heading", () => {
    const withRun = appendToSection(doc, "Pipeline", formatRun(run({ output: "## Collector\nnot a heading" })));
    const out = appendToSection(withRun, "Collector", "### collector run");
    const headings = out.split("\n").filter((l) => l === "## Collector");
    expect(headings).toHaveLength(2); // the real one and the fenced line
    expect(out.indexOf("### collector run")).toBeGreaterThan(out.indexOf("Before/after."));
    expect(out.indexOf("### collector run")).toBeLessThan(out.indexOf("## Alerts"));
  });

  it("adds a missing section at the end", () => {
    expect(appendToSection("# Benchmarks\n\nIntro.\n", "Query", "### run")).toBe("# Benchmarks\n\nIntro.\n\n## Query\n\n### run\n");
  });

  it("handles an empty section directly followed by the next heading", () => {
    expect(appendToSection("## Query\n## Alerts\n", "Query", "### run")).toBe("## Query\n\n### run\n\n## Alerts\n");
  });
});
