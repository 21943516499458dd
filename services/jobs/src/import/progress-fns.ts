/** Text for humans: the CLI's progress bar and summary. Pure, so it is unit-tested. */
import type { ImportProgress, ImportResult } from "./import.job";

const fmt = new Intl.NumberFormat("en-US");

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Share done, 0..1, or null when the total size is unknown. */
export function fractionDone(p: ImportProgress): number | null {
  if (p.totalBytes === null || p.totalBytes <= 0) return null;
  return Math.min(1, p.bytesRead / p.totalBytes);
}

/** "[##########··········]  50%  1,234 rows (1,200 imported, 4 rejected, 30 skipped)  1.2/2.4 MiB" */
export function formatProgress(p: ImportProgress, barWidth = 24): string {
  const f = fractionDone(p);
  const counts = `${fmt.format(p.rows)} rows (${fmt.format(p.imported)} imported, ${fmt.format(p.rejected)} rejected, ${fmt.format(p.skipped)} skipped)`;
  if (f === null) return `${counts}  ${formatBytes(p.bytesRead)}`;
  const filled = Math.round(f * barWidth);
  const bar = `[${"#".repeat(filled)}${"·".repeat(barWidth - filled)}]`;
  return `${bar} ${String(Math.floor(f * 100)).padStart(3)}%  ${counts}  ${formatBytes(p.bytesRead)}/${formatBytes(p.totalBytes ?? 0)}`;
}

export function formatResult(r: ImportResult): string[] {
  const lines = [
    `import of ${r.input} with mapping ${r.mapping} for tenant ${r.tenant} finished in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  rows:     ${fmt.format(r.rows)}`,
    `  imported: ${fmt.format(r.imported)} (${fmt.format(r.events)} events)`,
    `  rejected: ${fmt.format(r.rejected)}`,
    `  skipped:  ${fmt.format(r.skipped)}`,
  ];
  for (const [reason, n] of Object.entries(r.skippedByReason)) lines.push(`    ${fmt.format(n)} × ${reason}`);
  for (const [code, n] of Object.entries(r.rejectedByCode)) lines.push(`    ${fmt.format(n)} rejected with ${code}`);
  if (r.errorReport) lines.push(`  rejected rows: ${r.errorReport}${r.errorReportTruncated ? " (truncated)" : ""}`);
  return lines;
}

/**
 * When a non-TTY stream gets a plain progress line: at most every `minIntervalMs`, or when the
 * share done crosses the next 10 %.
 */
export function createPlainThrottle(minIntervalMs = 5000): (p: ImportProgress, nowMs: number) => boolean {
  let lastAt = -Infinity;
  let lastDecile = -1;
  return (p, nowMs) => {
    const f = fractionDone(p);
    const decile = f === null ? -1 : Math.floor(f * 10);
    if (decile > lastDecile || nowMs - lastAt >= minIntervalMs) {
      lastAt = nowMs;
      lastDecile = Math.max(lastDecile, decile);
      return true;
    }
    return false;
  };
}
