export { configOrExit, loadConfig, type Env } from "./load";
export * from "./schemas";
