import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { isAlive } from "./child-process";

/**
 * Several test runs can share one checkout (people and agents work in parallel). These helpers
 * keep them apart: a lock file says which run owns the shared test stack, and per-run folders
 * are named `<pid>-...` so a later run can remove those of runs that have ended.
 */
export type Claim = { claimed: true; release(): void } | { claimed: false; ownerPid: number };

export function claimLock(file: string): Claim {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        claimed: true,
        release: () => {
          if (readOwner(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = readOwner(file);
    if (owner !== undefined && owner !== process.pid && isAlive(owner))
      return { claimed: false, ownerPid: owner };
    // The owner ended without releasing (crash, SIGKILL): the lock is ours to take.
    if (readOwner(file) === owner) rmSync(file, { force: true });
  }
  return { claimed: false, ownerPid: readOwner(file) ?? -1 };
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes `<parent>/<pid>-*` folders whose pid no longer runs; their servers died with it. */
function pruneDeadOwnerDirs(parent: string): void {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const pid = Number.parseInt(name.split("-")[0] ?? "", 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) {
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

/** A fresh `<parent>/<pid>-<suffix>` folder owned by this process. */
export function ownerDir(parent: string, suffix: string): string {
  pruneDeadOwnerDirs(parent);
  const dir = join(parent, `${process.pid}-${suffix}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
