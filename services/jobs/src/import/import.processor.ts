import { PulseError } from "@pulse/kit";
import type { Job } from "@pulse/redis";
import type { ImportJobData, ImportProgress, ImportResult } from "./import.job";
import { runImport, type ImportDeps } from "./run-import";

/**
 * The BullMQ processor of the `import` queue. Errors that a retry cannot fix (an invalid mapping,
 * a missing input, a header without the mapped columns) fail the job at once: BullMQ recognizes
 * an error named "UnrecoverableError" and skips the remaining attempts. Anything else (Kafka or S3
 * unavailable) is retried; retries are safe because event ids are deterministic (run-import.ts).
 */
export function createImportProcessor(deps: ImportDeps) {
  return async (job: Job<ImportJobData, ImportResult>): Promise<ImportResult> => {
    const log = deps.logger?.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
    const end = deps.metrics?.duration.startTimer();
    try {
      const result = await runImport({ ...deps, ...(log ? { logger: log } : {}) }, job.data, (p: ImportProgress) => job.updateProgress(p));
      deps.metrics?.jobs.inc({ status: "completed" });
      return result;
    } catch (e) {
      deps.metrics?.jobs.inc({ status: "failed" });
      log?.error({ err: e }, "import failed");
      if (e instanceof PulseError && !e.retry) {
        const final = new Error(`${e.code}: ${e.message}`);
        final.name = "UnrecoverableError";
        throw final;
      }
      throw e;
    } finally {
      end?.();
    }
  };
}
