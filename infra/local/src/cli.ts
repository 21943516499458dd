/** `pnpm --filter @pulse/local-stack stack ...`: the same commands as `pulse stack ...`. */
import { runStackCommand } from "./stack-cli";

// The SDK's "node >=22 from 2027" notice would bury the addresses `up` prints; the README says it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

runStackCommand(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`stack: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
