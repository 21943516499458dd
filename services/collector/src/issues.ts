import type { ValidationIssue, ValidationIssueCode } from "@pulse/contract";

/**
 * What a rejected event is told. The contract's codes, plus the two the collector adds for
 * NDJSON lines it could not turn into a value at all.
 */
export type IngestIssueCode = ValidationIssueCode | "invalid_json" | "too_deep";

export interface IngestIssue {
  code: IngestIssueCode;
  path: string;
  message: string;
}

export type { ValidationIssue };
