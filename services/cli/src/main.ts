/**
 * pulse <command>: the operator's entry point. Commands only parse arguments and call into the
 * packages; see `pulse help`.
 */
import { fileURLToPath } from "node:url";
import { parseArgs, UsageError } from "./args";
import { catalogueCommand, dlqCommand, migrateCommand, replayCommand, setupCommand, type CommandContext } from "./commands/ops";

const HELP = `pulse — customer feedback in, live CX scores out

  pulse start                       the whole pipeline in one process (standalone) + the local stack
  pulse stack up|down|status        only the local stack (Kafka, S3 server, Redis)
  pulse migrate                     apply infra/clickhouse migrations
  pulse setup [--tenant t]          migrations, Kafka topics, catalogue (CATALOGUE_FILE) into Redis
  pulse import <s3-url|path> --mapping <name|file> --tenant <t> [--source s] [--inline]
  pulse replay --from YYYY-MM-DD --to YYYY-MM-DD [--tenant t]   the days [from, to): --to is not replayed
  pulse dlq list | pulse dlq redrive [--reason code]
  pulse status [--json]             lag, stalled partitions, freshness, dead letters by reason
  pulse catalogue load <file> --tenant <t> | show --tenant <t> | remove --tenant <t>
                                    the tenant's touchpoint catalogue (enrichment and query targets)
  pulse alerts backtest --tenant <t> --from <date> --to <date> [--rules <file>] [--json]
                                    replay alert evaluation over stored rollups: every alert that would have fired
  pulse test                        (from ./pulse) install, start what the tests need, run every test
  pulse bench pipeline|query|collector|alerts [args]
                                    a bench (each starts what it needs): prints its tables and
                                    appends them, with this machine's description, to BENCHMARKS.md

Configuration comes from the environment; see README.md.`;

const root = fileURLToPath(new URL("../../../", import.meta.url));

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const ctx: CommandContext = { root, env: process.env, stdout: process.stdout, stderr: process.stderr };
  const args = parseArgs(rest, ["wait", "inline", "help", "json"]);
  switch (command) {
    case "migrate":
      return migrateCommand(ctx);
    case "setup":
      return setupCommand(ctx, args);
    case "dlq":
      return dlqCommand(ctx, args);
    case "replay":
      return replayCommand(ctx, args);
    case "catalogue":
      return catalogueCommand(ctx, args);
    case "alerts": {
      const { alertsCommand } = await import("./commands/alerts");
      return alertsCommand(ctx, args);
    }
    case "status": {
      const { statusCommand } = await import("./commands/status");
      return statusCommand(ctx, args);
    }
    case "import": {
      const { importCommand } = await import("./commands/import");
      return importCommand(rest, { env: process.env, stdout: process.stdout, stderr: process.stderr });
    }
    case "bench": {
      const { benchCommand } = await import("./commands/bench");
      return benchCommand(ctx, rest);
    }
    case "start": {
      const { startCommand } = await import("./commands/start");
      return startCommand(ctx, args);
    }
    case "stack": {
      // In this process, not a child: a supervisor that sends SIGTERM to this pid only must stop
      // the stack too (`up` handles the signals, stops what it started and exits).
      const { runStackCommand } = await import("@pulse/local-stack");
      await runStackCommand(rest, process.env);
      return process.exitCode === undefined ? 0 : Number(process.exitCode);
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${HELP}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`pulse: ${e.message}\n\n${HELP}\n`);
    process.exitCode = 64;
  } else {
    process.stderr.write(`pulse: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
// `start` has stopped every role within its deadlines: a client still retrying a broker that is
// gone must not keep the process alive after "pulse: stopped".
if (process.argv[2] === "start") process.exit(Number(process.exitCode ?? 0));
