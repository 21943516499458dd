/**
 * `pulse import <s3://bucket/key | path> --mapping <file|name> --tenant <t> [--source <s>] [--wait] [--inline] [--json]`
 *
 * Enqueues a bulk import on the jobs queue (or, with --inline, runs it in this process: local files
 * and standalone mode, no jobs runner needed), shows progress on stderr (a redrawn bar on a TTY,
 * plain lines otherwise) and the final counts on stdout. Exit codes: 0 done (rows may still have
 * been rejected: see the error report), 1 the import failed, 2 wrong usage or configuration.
 *
 * Depends only on @pulse/jobs (which re-exports the mapping check and the queue factory).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { createProgressBar } from "@pulse/kit";
import {
  SHIPPED_MAPPING_NAMES,
  TENANT_PATTERN,
  TENANT_RULE,
  createImportClient,
  createImportRunner,
  createQueueFactory,
  describeMappingIssues,
  formatBytes,
  formatResult,
  loadJobsConfig,
  resolveMapping,
  type ImportJobData,
  type ImportProgress,
  type ImportResult,
  type JobsConfig,
} from "@pulse/jobs";

export interface ImportCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Working directory for relative paths; defaults to process.cwd(). */
  cwd?: string;
}

const USAGE = `usage: pulse import <s3://bucket/key | path> --mapping <file|name> --tenant <tenant> [options]

  --mapping, -m <file|name>  a mapping JSON file, or a shipped mapping (${SHIPPED_MAPPING_NAMES.join(", ")})
  --tenant, -t <tenant>      the tenant the events belong to
  --source <label>           the events' source (default: the mapping's)
  --wait, -w                 wait for the job and show its progress (default: enqueue and exit)
  --inline                   run the import in this process instead of on the jobs queue
  --json                     print the final result as JSON on stdout

A local path is imported from IMPORT_LOCAL_ROOT by the jobs runner (or from anywhere with --inline).
Rejected rows go to <input>.errors.ndjson next to the input.
`;

const ENQUEUE_TIMEOUT_MS = 15_000;

class UsageError extends Error {}

export async function importCommand(argv: string[], deps: ImportCommandDeps): Promise<number> {
  const { stdout, stderr } = deps;
  const say = (s: string) => stderr.write(`${s}\n`);
  let opts: ParsedArgs;
  try {
    opts = parse(argv);
  } catch (e) {
    say(`pulse import: ${(e as Error).message}`);
    stderr.write(USAGE);
    return 2;
  }
  if (opts.help) {
    stdout.write(USAGE);
    return 0;
  }

  let config: JobsConfig;
  let data: ImportJobData;
  let localRoot: string | undefined;
  try {
    config = loadJobsConfig(deps.env);
    const cwd = deps.cwd ?? process.cwd();
    const mapping = readMappingRef(opts.mapping, cwd);
    const checked = resolveMapping(mapping);
    if (!checked.ok) throw new UsageError(`mapping ${opts.mapping} is invalid: ${describeMappingIssues(checked.error)}`);
    const input = resolveInput(opts.input, cwd, opts.inline, config);
    localRoot = input.localRoot;
    data = { tenant: opts.tenant, input: input.input, mapping, ...(opts.source ? { source: opts.source } : {}) };
  } catch (e) {
    say(`pulse import: ${(e as Error).message}`);
    return 2;
  }

  const progress = createProgressRenderer(stderr);
  const finish = (result: ImportResult): number => {
    progress.done();
    if (opts.json) stdout.write(`${JSON.stringify(result)}\n`);
    else stdout.write(`${formatResult(result).join("\n")}\n`);
    return 0;
  };
  const failed = (e: unknown): number => {
    progress.done();
    say(`pulse import: the import failed: ${describeError(e)}`);
    return 1;
  };

  if (opts.inline) {
    const runner = createImportRunner(config, localRoot === undefined ? {} : { localRoot });
    try {
      return finish(await runner.run(data, progress.update));
    } catch (e) {
      return failed(e);
    } finally {
      await runner.close().catch(() => undefined);
    }
  }

  const client = createImportClient(createQueueFactory({ redis: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX }));
  try {
    let jobId: string;
    try {
      jobId = await withTimeout(client.enqueue(data, { attempts: config.IMPORT_ATTEMPTS }), ENQUEUE_TIMEOUT_MS, `Redis at ${config.REDIS_URL} did not answer within ${ENQUEUE_TIMEOUT_MS / 1000} s`);
    } catch (e) {
      say(`pulse import: could not enqueue the import: ${describeError(e)}`);
      return 1;
    }
    say(`pulse import: enqueued import job ${jobId} (${data.input}, tenant ${data.tenant})`);
    if (!opts.wait) {
      stdout.write(`${opts.json ? JSON.stringify({ jobId }) : jobId}\n`);
      return 0;
    }
    try {
      return finish(await client.wait(jobId, progress.update));
    } catch (e) {
      return failed(e);
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

interface ParsedArgs {
  input: string;
  mapping: string;
  tenant: string;
  source: string | undefined;
  wait: boolean;
  inline: boolean;
  json: boolean;
  help: boolean;
}

function parse(argv: string[]): ParsedArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      mapping: { type: "string", short: "m" },
      tenant: { type: "string", short: "t" },
      source: { type: "string" },
      wait: { type: "boolean", short: "w" },
      inline: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const help = values.help ?? false;
  if (help) return { input: "", mapping: "", tenant: "", source: undefined, wait: false, inline: false, json: false, help };
  if (positionals.length !== 1) throw new UsageError(`expected one input (s3://bucket/key or a path), got ${positionals.length}`);
  if (!values.mapping) throw new UsageError("--mapping is required");
  if (!values.tenant) throw new UsageError("--tenant is required");
  if (!TENANT_PATTERN.test(values.tenant)) throw new UsageError(`--tenant ${JSON.stringify(values.tenant)} ${TENANT_RULE}`);
  return {
    input: positionals[0] as string,
    mapping: values.mapping,
    tenant: values.tenant,
    source: values.source,
    wait: values.wait ?? false,
    inline: values.inline ?? false,
    json: values.json ?? false,
    help,
  };
}

/** A file path → its parsed JSON (sent with the job, so the runner needs no access to it); otherwise a shipped name. */
function readMappingRef(ref: string, cwd: string): string | Record<string, unknown> {
  const path = resolve(cwd, ref);
  if (existsSync(path) && statSync(path).isFile()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new UsageError(`mapping file ${ref} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new UsageError(`mapping file ${ref} must hold a JSON object`);
    return json as Record<string, unknown>;
  }
  if (/[/\\]|\.json$/i.test(ref)) throw new UsageError(`mapping file ${ref} does not exist`);
  if (!SHIPPED_MAPPING_NAMES.includes(ref)) throw new UsageError(`no mapping file or shipped mapping named ${ref} (shipped: ${SHIPPED_MAPPING_NAMES.join(", ")})`);
  return ref;
}

function resolveInput(arg: string, cwd: string, inline: boolean, config: JobsConfig): { input: string; localRoot?: string } {
  if (arg.startsWith("s3://")) return { input: arg };
  const path = resolve(cwd, arg.startsWith("file:") ? arg.slice("file:".length) : arg);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`input ${arg} is not a file`);
  // Inline: the file's folder is the store root, so the error report lands next to it.
  if (inline) return { input: `file:${basename(path)}`, localRoot: dirname(path) };
  const root = resolve(cwd, config.IMPORT_LOCAL_ROOT);
  const rel = relative(root, path);
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new UsageError(`input ${arg} is outside IMPORT_LOCAL_ROOT (${root}), which the jobs runner reads from: move it there, upload it to S3, or use --inline`);
  }
  return { input: `file:${rel.split(sep).join("/")}` };
}

/** The shared progress bar (@pulse/kit), fed with bytes read and the row counts so far. */
function createProgressRenderer(stream: NodeJS.WriteStream): { update: (p: ImportProgress) => void; done: () => void } {
  const bar = createProgressBar("import", stream, { formatAmount: formatBytes, showRate: false });
  let updated = false;
  return {
    update: (p) => {
      updated = true;
      bar.update(p.bytesRead, p.totalBytes ?? undefined, `${p.rows} rows (${p.imported} imported, ${p.rejected} rejected, ${p.skipped} skipped)`);
    },
    done: () => {
      if (updated) bar.finish("read the whole input");
      updated = false;
    },
  };
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === "string" && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
