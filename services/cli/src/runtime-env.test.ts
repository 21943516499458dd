/**
 * ./pulse runs every command with scripts/runtime-env.sh sourced. It turns off the AWS SDK's
 * NodeVersionSupportWarning (Node < 22), which `./pulse start` printed at its first S3 client:
 * Pulse pins the SDK and supports Node >= 20.11, so a user cannot act on it. The switch is the
 * SDK's own (announced in aws/aws-sdk-js-v3#7983); this checks it against the installed SDK.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// The storage package is where Pulse makes its S3 clients; it resolves the same SDK.
const STORAGE = join(ROOT, "packages", "storage");
const MAKE_CLIENT = `const { S3Client } = require("@aws-sdk/client-s3"); new S3Client({ region: "us-east-1" }); console.log("made");`;

function stderrOfClient(prelude: string): string {
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const r = spawnSync("bash", ["-c", `${prelude} cd "${STORAGE}" && node -e '${MAKE_CLIENT}'`], { cwd: ROOT, env, encoding: "utf8" });
  expect(r.stdout).toContain("made");
  return r.stderr;
}

describe("./pulse's runtime environment", { timeout: 60_000 }, () => {
  it("./pulse sources scripts/runtime-env.sh", () => {
    expect(readFileSync(join(ROOT, "pulse"), "utf8")).toMatch(/^source "\$ROOT\/scripts\/runtime-env\.sh"$/m);
  });

  it("creating an S3 client prints no Node-version notice under it", () => {
    expect(stderrOfClient(`source scripts/runtime-env.sh;`)).not.toContain("NodeVersionSupportWarning");
  });

  it("the notice is there without it on a Node the SDK warns about (so the check above can fail)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    const stderr = stderrOfClient("");
    if (major < 22) expect(stderr).toContain("NodeVersionSupportWarning");
    else expect(stderr).not.toContain("NodeVersionSupportWarning");
  });

  it("keeps a value the caller set", () => {
    const r = spawnSync("bash", ["-c", `source scripts/runtime-env.sh; echo "$AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"`], { cwd: ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" }, encoding: "utf8" });
    expect(r.stdout.trim()).toBe("false");
  });

  it("gives libuv's thread pool 16 threads for the embedded ClickHouse, keeping a value the caller set", () => {
    const pool = (prelude: string) => {
      const env: Record<string, string> = { ...process.env } as Record<string, string>;
      delete env.UV_THREADPOOL_SIZE;
      return spawnSync("bash", ["-c", `${prelude} source scripts/runtime-env.sh; echo "$UV_THREADPOOL_SIZE"`], { cwd: ROOT, env, encoding: "utf8" }).stdout.trim();
    };
    expect(pool("")).toBe("16");
    expect(pool("export UV_THREADPOOL_SIZE=32;")).toBe("32");
  });
});
