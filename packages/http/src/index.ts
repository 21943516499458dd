export { createHttpServer, type HttpServerOptions } from "./server";
export { problem, toProblem, type Problem } from "./problem";
