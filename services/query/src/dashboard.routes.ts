/**
 * The ops dashboard: static files from services/query/public and uPlot straight from its npm
 * package (no build step). Files are read once at start-up and served from memory.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve("uplot"));

const FILES: Record<string, { path: string; type: string }> = {
  "/": { path: join(PUBLIC_DIR, "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { path: join(PUBLIC_DIR, "app.js"), type: "text/javascript; charset=utf-8" },
  "/cards.js": { path: join(PUBLIC_DIR, "cards.js"), type: "text/javascript; charset=utf-8" },
  "/journey.js": { path: join(PUBLIC_DIR, "journey.js"), type: "text/javascript; charset=utf-8" },
  "/actions.js": { path: join(PUBLIC_DIR, "actions.js"), type: "text/javascript; charset=utf-8" },
  "/alerts.js": { path: join(PUBLIC_DIR, "alerts.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { path: join(PUBLIC_DIR, "style.css"), type: "text/css; charset=utf-8" },
  // The follow-up case queue (issue 12).
  "/cases": { path: join(PUBLIC_DIR, "cases.html"), type: "text/html; charset=utf-8" },
  "/cases.js": { path: join(PUBLIC_DIR, "cases.js"), type: "text/javascript; charset=utf-8" },
  "/cases.css": { path: join(PUBLIC_DIR, "cases.css"), type: "text/css; charset=utf-8" },
  "/vendor/uPlot.iife.min.js": { path: join(UPLOT_DIR, "uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "/vendor/uPlot.min.css": { path: join(UPLOT_DIR, "uPlot.min.css"), type: "text/css; charset=utf-8" },
};

export function registerDashboardRoutes(app: FastifyInstance): void {
  for (const [url, file] of Object.entries(FILES)) {
    const body = readFileSync(file.path);
    app.get(url, { schema: { hide: true }, config: { auth: "public" } }, (_request, reply) =>
      reply
        .header("content-type", file.type)
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .send(body),
    );
  }
}
