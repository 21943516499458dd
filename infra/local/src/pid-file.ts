import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { commandLine, isAlive } from "./child-process";

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
