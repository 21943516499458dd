/**
 * The producer side of the import queue, for `pulse import`: enqueue a job, follow its progress,
 * wait for its result. Validates the job data before it reaches Redis so a typo fails at once.
 */
import { BadRequestError } from "@pulse/kit";
import { QUEUE_NAMES, type QueueFactory } from "@pulse/redis";
import { ImportJobData, type ImportProgress, type ImportResult } from "./import.job";

export interface ImportClient {
  /** Adds the job; returns its id. */
  enqueue(data: ImportJobData, opts?: { attempts?: number }): Promise<string>;
  /** Resolves with the result when the job completes, rejects with its failure reason when it fails for good. */
  wait(jobId: string, onProgress?: (p: ImportProgress) => void, timeoutMs?: number): Promise<ImportResult>;
  close(): Promise<void>;
}

/**
 * `wait` polls the job (state, progress) instead of listening on QueueEvents: a CLI waits seconds
 * to minutes, a poll every `pollMs` is cheap, and QueueEvents keeps a blocking Redis connection
 * that the shared-connection factory cannot close, which would keep the process alive.
 */
export function createImportClient(queues: QueueFactory, opts: { pollMs?: number } = {}): ImportClient {
  const queue = queues.queue<ImportJobData, ImportResult>(QUEUE_NAMES.import);
  const pollMs = opts.pollMs ?? 500;
  return {
    async enqueue(data, addOpts = {}) {
      const parsed = ImportJobData.safeParse(data);
      if (!parsed.success) throw new BadRequestError("import_invalid", parsed.error.issues.map((i) => i.message).join("; "));
      const job = await queue.add("import", parsed.data, {
        attempts: addOpts.attempts ?? 3,
        backoff: { type: "exponential", delay: 2000 },
        removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
      if (job.id === undefined) throw new Error("BullMQ returned a job without an id");
      return job.id;
    },
    async wait(jobId, onProgress, timeoutMs) {
      const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
      let lastProgress = "";
      for (;;) {
        const job = await queue.getJob(jobId);
        if (!job) throw new Error(`no import job ${jobId}`);
        const state = await job.getState();
        const progress: unknown = job.progress;
        if (typeof progress === "object" && progress !== null) {
          const text = JSON.stringify(progress);
          if (text !== lastProgress) {
            lastProgress = text;
            onProgress?.(progress as ImportProgress);
          }
        }
        if (state === "completed") return ((await queue.getJob(jobId)) ?? job).returnvalue;
        // A job between attempts is "delayed" or "waiting", not "failed": only the last failure ends the wait.
        if (state === "failed") {
          // The snapshot may predate the failure (it can fail between getJob and getState): read it again.
          const failed = (await queue.getJob(jobId)) ?? job;
          throw new Error(failed.failedReason || `import job ${jobId} failed`);
        }
        if (Date.now() > deadline) throw new Error(`import job ${jobId} did not finish within ${timeoutMs} ms (state ${state})`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async close() {
      // The queue factory gives BullMQ connection options, so BullMQ owns the connection and
      // closes it here: a CLI process can exit afterwards.
      await queue.close();
    },
  };
}
