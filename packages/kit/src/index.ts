export * from "./result";
export * from "./errors";
export * from "./logger";
export * from "./metrics";
export * from "./progress";
export * from "./shutdown";
export * from "./random";
