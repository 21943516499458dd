import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// Loads vitest's own declarations so the augmentation below extends them instead of replacing.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { killServersWhenOrphaned } from "./child-process";
import { freePort } from "./net";
import { claimLock, ownerDir, type Claim } from "./owner-dirs";
import { stderrProgress } from "./progress";
import { startStack, type Stack } from "./stack";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Global setup of the `integration` project: one fresh test stack for the whole run, wiped at
 * start so every run begins from the same state. Normally that is the shared test stack (Kafka
 * 19092, S3 19000, Redis db 15, `.cache/test-stack`). The claim on it is machine-wide (a lock in
 * the OS temp folder), because the ports and the Redis database are machine-wide too: when another
 * test run (of this checkout or of another one) already holds it, this run starts its own Kafka
 * and S3 server on free ports under `.cache/test-stacks/<pid>-*` and claims a Redis database of
 * its own (14 down to 1), so neither run wipes or reads the other's data.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  killServersWhenOrphaned();
  const claims: Extract<Claim, { claimed: true }>[] = [];
  const release = () => {
    for (const c of claims.splice(0)) c.release();
  };
  let stack: Stack;
  try {
    const shared = claimLock(join(tmpdir(), "pulse-test-stack.lock"));
    if (shared.claimed) {
      claims.push(shared);
      stack = await startStack({ root: repoRoot, profile: "test" });
    } else {
      const db = claimRedisDatabase();
      claims.push(db.claim);
      stderrProgress(
        `stack: test run ${shared.ownerPid} holds the shared test stack; this run starts its own on free ports with Redis db ${db.index}`,
      );
      const [kafkaPort, kafkaControllerPort, s3Port] = [
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const stateDir = ownerDir(join(repoRoot, ".cache", "test-stacks"), "stack");
      stack = await startStack({
        root: repoRoot,
        profile: "test",
        stateDir,
        kafkaPort,
        kafkaControllerPort,
        s3Port,
        redisUrl: `redis://127.0.0.1:6379/${db.index}`,
      });
    }
  } catch (e) {
    release();
    throw e;
  }
  project.provide("stack", stack.env);
  return async () => {
    try {
      await stack.stop();
    } finally {
      release();
    }
  };
}

/** Database 15 belongs to the shared stack; private stacks take the first free one of 14..1. */
function claimRedisDatabase(): { index: number; claim: Extract<Claim, { claimed: true }> } {
  for (let index = 14; index >= 1; index--) {
    const claim = claimLock(join(tmpdir(), `pulse-test-redis-db-${index}.lock`));
    if (claim.claimed) return { index, claim };
  }
  throw new Error("every Redis database 1-14 is held by another test run; wait for one to end");
}
