/**
 * One way to stop a process, used by every entry point: named steps, each bounded by its own
 * deadline. A step that fails or overruns is logged at error level and the next step runs anyway,
 * so a stop always ends within the sum of the deadlines (a client waiting for a broker that is
 * gone cannot hold the process for minutes, and no second Ctrl-C is needed).
 */
import type { Logger } from "./logger";

export interface StopStep {
  /** Named in the logs: "kafka consumer", "http server", ... */
  readonly name: string;
  readonly run: () => unknown;
  /** How long the step may take before the stop moves on; default 10 s. */
  readonly deadlineMs?: number;
}

export type StepOutcome = { name: string; ms: number; outcome: "done" | "failed" | "timed_out"; error?: string };

export interface StopReport {
  /** True when every step finished within its deadline without an error. */
  ok: boolean;
  steps: StepOutcome[];
}

const DEFAULT_STEP_DEADLINE_MS = 10_000;

/** Runs `steps` in order, each raced against its deadline; never throws. */
export async function runStopSteps(steps: readonly StopStep[], logger: Logger): Promise<StopReport> {
  const report: StopReport = { ok: true, steps: [] };
  for (const step of steps) {
    const deadlineMs = step.deadlineMs ?? DEFAULT_STEP_DEADLINE_MS;
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      Promise.resolve()
        .then(step.run)
        .then(
          () => ({ outcome: "done" as const }),
          (e: unknown) => ({ outcome: "failed" as const, error: e instanceof Error ? e.message : String(e) }),
        ),
      new Promise<{ outcome: "timed_out"; error: string }>((resolve) => {
        timer = setTimeout(() => resolve({ outcome: "timed_out", error: `did not finish within ${deadlineMs} ms` }), deadlineMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    const result: StepOutcome = { name: step.name, ms: Date.now() - t0, ...outcome };
    report.steps.push(result);
    if (result.outcome !== "done") {
      report.ok = false;
      logger.error({ step: step.name, outcome: result.outcome, err: result.error, ms: result.ms }, `stop: ${step.name} ${result.outcome === "timed_out" ? "timed out" : "failed"}; moving on`);
    }
  }
  return report;
}

export interface Shutdown {
  /** Registers a step. Steps run in reverse order of registration (last started, first stopped). */
  add(step: StopStep): void;
  /** Runs the steps once; later calls return the same report. */
  stop(reason: string): Promise<StopReport>;
  /** True once stop() was called. */
  readonly stopping: boolean;
  /**
   * SIGINT / SIGTERM (and SIGHUP) stop the process: the steps run, then `exit` is called with 0
   * (or 1 when a step failed or overran). A second signal exits at once with 130.
   */
  exitOnSignals(opts?: { exit?: (code: number) => void; onSignal?: (signal: string) => void }): void;
}

export function createShutdown(logger: Logger): Shutdown {
  const steps: StopStep[] = [];
  let stopped: Promise<StopReport> | undefined;
  const shutdown: Shutdown = {
    add(step) {
      steps.push(step);
    },
    stop(reason) {
      stopped ??= (async () => {
        const t0 = Date.now();
        logger.info({ reason }, "stopping");
        const report = await runStopSteps([...steps].reverse(), logger);
        logger.info({ reason, ms: Date.now() - t0, ok: report.ok }, "stopped");
        return report;
      })();
      return stopped;
    },
    get stopping() {
      return stopped !== undefined;
    },
    exitOnSignals(opts = {}) {
      const exit = opts.exit ?? ((code: number) => process.exit(code));
      for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(signal, () => {
          if (stopped) {
            logger.warn({ signal }, "second signal: exiting now");
            exit(130);
            return;
          }
          opts.onSignal?.(signal);
          void shutdown.stop(signal).then((r) => exit(r.ok ? 0 : 1));
        });
      }
    },
  };
  return shutdown;
}

/**
 * An entry point's start: on failure, logs it at error level, stops what was already registered
 * (within the steps' deadlines) and exits with 1.
 */
export async function startOrExit<T>(shutdown: Shutdown, logger: Logger, start: () => Promise<T>, exit: (code: number) => void = (c) => process.exit(c)): Promise<T> {
  try {
    return await start();
  } catch (e) {
    logger.error({ err: e }, `start failed: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown.stop("start failed");
    exit(1);
    throw e;
  }
}
