/** Text for humans: the CLI's progress bar and summary. Pure, so it is unit-tested. */
import type { ImportResult } from "./import.job";

const fmt = new Intl.NumberFormat("en-US");

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
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

