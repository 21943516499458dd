/**
 * The retention sweep: deletes raw-archive objects and import error reports older than their
 * retention. These are the two places where raw customer data may remain (see SECURITY.md):
 * archive objects hold events as accepted (PII redacted by the collector since this release, but
 * older objects may predate it), error reports hold the raw text of rejected import rows, which is
 * never redacted (a row that failed to parse cannot be scanned field by field).
 *
 * Archive keys carry the UTC day they were received (`raw/<tenant>/<YYYY-MM-DD>/<HH>/…`), so their
 * age is read from the key; an error report's age is its last-modified time.
 */
import type { ObjectStore } from "@pulse/storage";

export interface RetentionPolicy {
  /** Archive objects of days older than this are deleted (replay cannot go further back). */
  archiveDays: number;
  /** Import error reports older than this are deleted. */
  errorReportDays: number;
  /** Where import error reports are listed (they sit next to their input). "" = the whole store. */
  errorReportPrefix: string;
}

export interface RetentionResult {
  archiveDeleted: number;
  errorReportsDeleted: number;
  kept: number;
}

const DAY_MS = 86_400_000;
const ARCHIVE_KEY = /^raw\/[^/]+\/(\d{4}-\d{2}-\d{2})\//;
export const ERROR_REPORT_SUFFIX = ".errors.ndjson";

export async function sweepRetention(store: ObjectStore, policy: RetentionPolicy, now: Date): Promise<RetentionResult> {
  const result: RetentionResult = { archiveDeleted: 0, errorReportsDeleted: 0, kept: 0 };
  // A day is deleted once all of it is older than the retention.
  const archiveCutoff = now.getTime() - policy.archiveDays * DAY_MS;
  for (const key of await store.list("raw/")) {
    const day = ARCHIVE_KEY.exec(key)?.[1];
    if (day === undefined) continue;
    if (Date.parse(`${day}T00:00:00Z`) + DAY_MS <= archiveCutoff) {
      await store.delete(key);
      result.archiveDeleted++;
    } else result.kept++;
  }
  const reportCutoff = now.getTime() - policy.errorReportDays * DAY_MS;
  for (const key of await store.list(policy.errorReportPrefix)) {
    if (!key.endsWith(ERROR_REPORT_SUFFIX) || key.startsWith("raw/")) continue;
    const modified = store.lastModified ? await store.lastModified(key) : null;
    if (modified !== null && modified.getTime() <= reportCutoff) {
      await store.delete(key);
      result.errorReportsDeleted++;
    } else result.kept++;
  }
  return result;
}
