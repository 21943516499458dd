import { join } from "node:path";
import { killServersWhenOrphaned } from "./child-process";
import { startKafka, type KafkaHandle } from "./kafka";
import { freePort } from "./net";
import { ownerDir } from "./owner-dirs";
import { silentProgress, type Progress } from "./progress";

/**
 * A broker of its own for one test (stop/kill/restart it without disturbing other tests), on
 * free ports, with data in `<root>/.cache/private-kafka/<pid>-<n>/` (removed by a later call
 * once this process has ended). Call `stop()` in afterAll; if a test forgets, the broker still
 * dies with the test process.
 */
let counter = 0;

export async function startPrivateKafka(opts: {
  root: string;
  progress?: Progress;
}): Promise<KafkaHandle> {
  killServersWhenOrphaned();
  const dataDir = ownerDir(
    join(opts.root, ".cache", "private-kafka"),
    `${Date.now().toString(36)}-${counter++}`,
  );
  const [port, controllerPort] = [await freePort(), await freePort()];
  return startKafka({
    port,
    controllerPort,
    dataDir,
    logDir: join(dataDir, "logs"),
    cacheDir: join(opts.root, ".cache", "maven-jars"),
    heap: { min: "64m", max: "384m" },
    numPartitions: 1,
    progress: opts.progress ?? silentProgress,
    label: "kafka[private]",
  });
}
