import { join } from "node:path";
import { fileURLToPath } from "node:url";
// Loads vitest's own declarations so the augmentation below extends them instead of replacing.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { killServersWhenOrphaned } from "./child-process";
import { freePort } from "./net";
import { claimLock, ownerDir } from "./owner-dirs";
import { stderrProgress } from "./progress";
import { startStack, type Stack } from "./stack";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Global setup of the `integration` project: one fresh test stack for the whole run, wiped at
 * start so every run begins from the same state. Normally that is the shared test stack (Kafka
 * 19092, S3 19000, Redis db 15, `.cache/test-stack`). When another test run in this checkout
 * already holds it, this run gets its own stack on free ports under `.cache/test-stacks/<pid>-*`
 * instead of wiping the other run's broker from under it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  killServersWhenOrphaned();
  const claim = claimLock(join(repoRoot, ".cache", "test-stack.lock"));
  let stack: Stack;
  try {
    if (claim.claimed) {
      stack = await startStack({ root: repoRoot, profile: "test" });
    } else {
      stderrProgress(
        `stack: test run ${claim.ownerPid} holds the shared test stack; this run starts its own on free ports`,
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
      });
    }
  } catch (e) {
    if (claim.claimed) claim.release();
    throw e;
  }
  project.provide("stack", stack.env);
  return async () => {
    try {
      await stack.stop();
    } finally {
      if (claim.claimed) claim.release();
    }
  };
}
