/**
 * Pure parts of `pulse bench <name>`: which script a bench is, how a run is described, and how the
 * run is appended to BENCHMARKS.md (under its bench's `## Section`, after the runs already there;
 * nothing already written is changed).
 */

export interface BenchSpec {
  /** The script, relative to the repository root (the root package.json's `bench:<name>` runs the same file). */
  script: string;
  /** The `## Heading` of BENCHMARKS.md the runs go under. */
  section: string;
}

export const BENCHES: Readonly<Record<string, BenchSpec>> = {
  pipeline: { script: "services/worker/bench/pipeline.bench.ts", section: "Pipeline" },
  query: { script: "services/query/bench/query.bench.ts", section: "Query" },
  collector: { script: "services/collector/bench/collector.bench.ts", section: "Collector" },
  alerts: { script: "packages/alerting/bench/alerts.bench.ts", section: "Alerts" },
};

export const BENCH_NAMES = Object.keys(BENCHES);

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  commit: string;
}

export interface BenchRun {
  bench: string;
  args: readonly string[];
  /** The knobs that were set (recordedEnv). */
  env: ReadonlyArray<readonly [string, string]>;
  at: Date;
  machine: Machine;
  /** What the bench printed on stdout (its tables). */
  output: string;
}

/** Variables that change a bench's figures besides its `BENCH_*` knobs. */
const RECORDED = ["KAFKA_BROKERS", "CLICKHOUSE_SESSIONS"];

/** The knobs set in `env` that a run is recorded with: every `BENCH_*` and RECORDED, sorted by name. */
export function recordedEnv(env: Readonly<Record<string, string | undefined>>): Array<[string, string]> {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== "" && (e[0].startsWith("BENCH_") || RECORDED.includes(e[0])))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

// Colour and cursor escapes (progress bars, coloured cells) are noise in a Markdown file.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** The bench's stdout as it belongs in the file: no terminal escapes, no carriage-return redraws, no trailing blank lines. */
export function cleanOutput(raw: string): string {
  return raw
    .replace(ANSI, "")
    .split("\n")
    .map((line) => {
      const parts = line.split("\r").filter((p) => p !== "");
      return (parts[parts.length - 1] ?? "").trimEnd();
    })
    .join("\n")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "");
}

const GiB = 1024 ** 3;

export function describeMachine(m: Machine): string {
  return `${m.cpu} · ${m.cores} cores · ${(m.memoryBytes / GiB).toFixed(1)} GiB RAM · ${m.os} · Node ${m.node} · commit ${m.commit}`;
}

/** A fence longer than any run of backticks in `text`, so the output can never close it early. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(Math.max(3, longest + 1));
}

/** The Markdown block of one run: a `###` heading, the command, the machine, the output in a fence. */
export function formatRun(run: BenchRun): string {
  const command = ["./pulse bench", run.bench, ...run.args].join(" ");
  const knobs = run.env.map(([k, v]) => `${k}=${v}`).join(" ");
  const output = cleanOutput(run.output);
  const fence = fenceFor(output);
  return [
    `### ${run.at.toISOString().replace(/\.\d{3}Z$/, "Z")}`,
    "",
    `Command: \`${knobs ? `${knobs} ` : ""}${command}\``,
    "",
    `Machine: ${describeMachine(run.machine)}`,
    "",
    `${fence}text`,
    output,
    fence,
  ].join("\n");
}

/** Line indexes of `## ` headings outside fenced code blocks. */
function headingLines(lines: readonly string[]): Array<{ index: number; title: string }> {
  const out: Array<{ index: number; title: string }> = [];
  let fence: string | null = null;
  lines.forEach((line, index) => {
    const f = /^(`{3,}|~{3,})/.exec(line);
    if (f?.[1]) {
      if (fence === null) fence = f[1];
      else if (f[1].startsWith(fence) && line.trim() === f[1]) fence = null;
      return;
    }
    if (fence === null && /^## /.test(line)) out.push({ index, title: line.slice(3).trim() });
  });
  return out;
}

/**
 * `markdown` with `block` added at the end of the `## section` (before the next `## ` heading), or
 * a new section at the end of the file when there is none. Everything else is kept byte for byte.
 */
export function appendToSection(markdown: string, section: string, block: string): string {
  const lines = markdown.split("\n");
  const headings = headingLines(lines);
  const at = headings.findIndex((h) => h.title === section);
  if (at < 0) {
    const body = markdown.replace(/\n+$/, "");
    return `${body}${body ? "\n\n" : ""}## ${section}\n\n${block}\n`;
  }
  const next = headings[at + 1];
  const end = next ? next.index : lines.length;
  // The section's own text, without the blank lines that separate it from what follows.
  let last = end;
  while (last > (headings[at]?.index ?? 0) + 1 && (lines[last - 1] ?? "").trim() === "") last--;
  const before = lines.slice(0, last);
  const after = lines.slice(end);
  const tail = next ? ["", ...after] : [""];
  return [...before, "", block, ...tail].join("\n");
}
