import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { commandLine, isAlive, killProcess, stopProcess } from "./child-process";

export function writePidFile(file: string, pid: number): void {
  writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/**
 * The pid recorded in `file` if that process still runs and one of its arguments is `marker`
 * (a path only our server uses), so a recycled pid is never mistaken for our server.
 * A stale pid file is removed.
 */
export function ownedPid(
  file: string,
  marker: string | ((args: string[]) => boolean),
): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
  } catch {
    return undefined;
  }
  const matches = typeof marker === "string" ? (args: string[]) => args.includes(marker) : marker;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && matches(commandLine(pid))) return pid;
  removePidFile(file);
  return undefined;
}

/** Stops the server a pid file names if it is still ours (see ownedPid); its pid, or undefined. */
export async function stopOwnedServer(
  file: string,
  marker: string | ((args: string[]) => boolean),
): Promise<number | undefined> {
  const pid = ownedPid(file, marker);
  if (pid === undefined) return undefined;
  await stopProcess(pid);
  removePidFile(file);
  return pid;
}

/** Graceful stop and SIGKILL of a server we started; both remove its pid file. */
export function serverControls(
  pid: number,
  file: string,
): { stop(): Promise<void>; kill(): Promise<void> } {
  return {
    async stop() {
      await stopProcess(pid);
      removePidFile(file);
    },
    async kill() {
      await killProcess(pid);
      removePidFile(file);
    },
  };
}

/** Records a just-spawned server's pid and waits for it; when it never gets ready it is killed. */
export async function readyOrKilled(
  pid: number,
  file: string,
  ready: () => Promise<void>,
): Promise<void> {
  writePidFile(file, pid);
  try {
    await ready();
  } catch (e) {
    await killProcess(pid).catch(() => {});
    removePidFile(file);
    throw e;
  }
}
