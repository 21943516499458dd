import { createReader, createWriter, type ClickHouse } from "@pulse/clickhouse";
import type { CaseOpener } from "./cases";
import type { DecodeWireOptions } from "@pulse/contract";
import type { Logger } from "@pulse/kit";
import type { Job } from "@pulse/redis";
import type { ObjectStore } from "@pulse/storage";
import type { EnrichmentPort } from "./enrichment";
import { replayRange, type ReplayResult } from "./replay";

export interface ReplayJobData {
  from: string;
  to: string;
  tenant?: string;
}

/** BullMQ processor for `pulse replay`: runs where the ClickHouse connection lives (the worker or standalone process). */
export function createReplayProcessor(deps: {
  ch: ClickHouse;
  store: ObjectStore;
  enrichment: EnrichmentPort;
  logger: Logger;
  wire?: DecodeWireOptions;
  fcr?: { windowMs: number; placeholders?: readonly string[] };
  cases?: CaseOpener | undefined;
  quietMs?: number;
}) {
  const reader = createReader(deps.ch);
  const writer = createWriter(deps.ch);
  return async (job: Job<ReplayJobData, ReplayResult>): Promise<ReplayResult> =>
    replayRange(
      { from: new Date(job.data.from), to: new Date(job.data.to), ...(job.data.tenant ? { tenant: job.data.tenant } : {}) },
      { ch: deps.ch, reader, writer, store: deps.store, enrichment: deps.enrichment, logger: deps.logger, ...(deps.wire ? { wire: deps.wire } : {}), ...(deps.fcr ? { fcr: deps.fcr } : {}), cases: deps.cases, ...(deps.quietMs ? { quietMs: deps.quietMs } : {}), progress: (done, total) => job.updateProgress({ done, total }) },
    );
}
