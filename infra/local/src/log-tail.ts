import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The last `lines` lines of a (possibly large) log file; "" when it does not exist yet. */
function logTail(file: string, lines = 30): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf
      .toString("utf8")
      .split("\n")
      .slice(-lines - 1)
      .join("\n")
      .trimEnd();
  } finally {
    closeSync(fd);
  }
}

export function quoteTail(file: string, lines = 30): string {
  const tail = logTail(file, lines);
  return tail === "" ? `(${file} is empty or missing)` : `last lines of ${file}:\n${tail}`;
}
