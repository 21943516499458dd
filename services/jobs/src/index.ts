export { JobsEnv, loadJobsConfig, type JobsConfig } from "./config";
export { createJobsApp, startJobs, type JobsApp, type JobsDeps } from "./app";
export { ImportJobData, TENANT_PATTERN, TENANT_RULE, type ImportProgress, type ImportResult } from "./import/import.job";
export { runImport, type ImportDeps, type ProgressSink } from "./import/run-import";
export { createImportProcessor } from "./import/import.processor";
export { createImportClient, type ImportClient } from "./import/import.client";
export { createImportRunner, importDepsFromConfig, type ImportRunner } from "./import/import.runner";
export { createInputResolver, type InputResolver, type ResolvedInput } from "./import/inputs";
export { createErrorReport, errorReportKey } from "./import/error-report";
export { createImportMetrics, type ImportMetrics } from "./import/import.metrics";
export { formatResult, formatBytes } from "./import/progress-fns";
// What the CLI needs to check a mapping before enqueueing it.
export { resolveMapping, describeMappingIssues, SHIPPED_MAPPING_NAMES } from "@pulse/mapping";
export { createQueueFactory } from "@pulse/redis";
