// What the integration global setup (infra/local/src/vitest.global-setup.ts) hands to tests via
// `inject("stack")`: the environment of the real servers it started for this run.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    stack: {
      KAFKA_BROKERS: string;
      REDIS_URL: string;
      S3_ENDPOINT: string;
      S3_BUCKET: string;
      S3_REGION: string;
      S3_ACCESS_KEY_ID: string;
      S3_SECRET_ACCESS_KEY: string;
      S3_FORCE_PATH_STYLE: string;
    };
  }
}
