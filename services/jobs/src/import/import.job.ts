/**
 * The `import` job: what is enqueued (data), what it reports while running (progress) and what it
 * returns (result). Shared by the processor, the CLI and tests.
 */
import { z } from "zod";
import { TenantId } from "@pulse/contract";
import type { ImportCounts } from "@pulse/mapping";

/** The contract's tenant rule (the same as the API keys' and the worker's wire decoder). */
export { TENANT_PATTERN, TENANT_RULE } from "@pulse/contract";

export const ImportJobData = z.strictObject({
  tenant: TenantId,
  /** The events' source label; defaults to the mapping's `source`. */
  source: z.string().regex(/^[\x20-\x7e]{1,128}$/, { error: "source must be 1–128 printable ASCII characters" }).optional(),
  input: z.string().regex(/^(s3:\/\/[^/]+\/.+|file:.+)$/, { error: 'input must be "s3://bucket/key" or "file:relative/path"' }),
  /** A shipped mapping's name, a mapping as JSON text, or the mapping object itself. */
  mapping: z.union([z.string().min(1), z.record(z.string(), z.unknown())], { error: "mapping must be a shipped mapping name, JSON text or an object" }),
});
export type ImportJobData = z.infer<typeof ImportJobData>;

export interface ImportProgress {
  rows: number;
  imported: number;
  rejected: number;
  skipped: number;
  events: number;
  bytesRead: number;
  /** Size of the input, when the store tells it. */
  totalBytes: number | null;
}

export interface ImportResult extends ImportCounts {
  tenant: string;
  source: string;
  mapping: string;
  input: string;
  /** Where the rejected rows are (`<input>.errors.ndjson`), or null when none was rejected. */
  errorReport: string | null;
  /** True when the report hit its size cap and later rejected rows are only counted. */
  errorReportTruncated: boolean;
  bytesRead: number;
  totalBytes: number | null;
  durationMs: number;
}
