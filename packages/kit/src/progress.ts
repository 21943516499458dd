/**
 * A progress bar for long CLI work: redrawn in place on a TTY, plain lines at most every few
 * seconds otherwise (CI logs stay readable). Writes to the stream it is given (stderr by habit).
 */
export interface ProgressBar {
  update(done: number, total?: number, note?: string): void;
  finish(message?: string): void;
}

export function createProgressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  opts: { width?: number; plainEveryMs?: number; formatAmount?: (n: number) => string; showRate?: boolean } = {},
): ProgressBar {
  const amount = opts.formatAmount ?? String;
  const tty = Boolean(stream.isTTY);
  const width = opts.width ?? 30;
  const started = Date.now();
  let lastPlain = 0;
  let total = 0;
  const line = (done: number, note: string) => {
    const pct = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(pct * width);
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    const bar = total > 0 ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(pct * 100).toFixed(1).padStart(5)}% ` : "";
    const speed = opts.showRate === false ? "" : ` ${rate}/s`;
    return `${label} ${bar}${amount(done)}${total > 0 ? `/${amount(total)}` : ""}${speed} ${secs.toFixed(1)}s${note ? ` ${note}` : ""}`;
  };
  return {
    update(done, t, note = "") {
      if (t !== undefined) total = t;
      if (tty) stream.write(`\r\x1b[2K${line(done, note)}`);
      else if (Date.now() - lastPlain >= (opts.plainEveryMs ?? 2000)) {
        lastPlain = Date.now();
        stream.write(`${line(done, note)}\n`);
      }
    },
    finish(message) {
      if (tty) stream.write("\r\x1b[2K");
      stream.write(`${label} ${message ?? "done"} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    },
  };
}
