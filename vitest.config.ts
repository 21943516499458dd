import { defineConfig } from "vitest/config";

// Two tiers, told apart by file name (as in PostHog's ingestion):
//   *.test.ts              pure unit tests, no servers
//   *.integration.test.ts  real Kafka, Redis, S3 and chDB, started once by the global setup
export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["{packages,services,infra}/**/src/**/*.test.ts", "{packages,services,infra}/**/test/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/*.integration.test.ts"],
          // Property runs and full-file imports take seconds on a loaded 2-core machine (CI runs
          // them beside the integration servers); 5 s made them fail on load, not on a defect.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["{packages,services,infra}/**/*.integration.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["./infra/local/src/vitest.global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration files share one broker; two at a time keeps a 2-core machine responsive.
          maxWorkers: 2,
          minWorkers: 1,
          pool: "forks",
        },
      },
    ],
  },
});
