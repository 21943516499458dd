import { join } from "node:path";
import { fillOnce, runMaven } from "./maven";
import { seconds, stderrProgress, type Progress } from "./progress";

/**
 * S3Proxy (Apache-2.0, org.gaul:s3proxy) with its filesystem backend. Chosen over Adobe S3Mock
 * 4.12.4 because it is ready in ~1.1s instead of ~2.4s and needs ~110 MB instead of ~165 MB;
 * both passed the same @aws-sdk/client-s3 round trip (path-style, streaming checksums).
 */
export const S3PROXY_VERSION = "4.1.0";
const ARTIFACT = `org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies`;

export async function ensureS3ProxyJar(opts: {
  cacheDir: string;
  progress?: Progress;
}): Promise<string> {
  const progress = opts.progress ?? stderrProgress;
  const dir = join(opts.cacheDir, `s3proxy-${S3PROXY_VERSION}`);
  const t0 = Date.now();
  const fetched = await fillOnce(dir, async (tmp) => {
    progress(`s3: fetching S3Proxy ${S3PROXY_VERSION} from Maven Central…`);
    await runMaven([
      "dependency:copy",
      `-Dartifact=${ARTIFACT}`,
      `-DoutputDirectory=${tmp}`,
      "-Dmdep.stripVersion=true",
      "-Dmdep.stripClassifier=true",
    ]);
  });
  if (fetched) progress(`s3: jar cached in ${dir} (${seconds(t0)})`);
  return join(dir, "s3proxy.jar");
}
