/** Where the launcher reports what it is doing ("kafka: ready on 127.0.0.1:9092 in 1.9s"). */
export type Progress = (line: string) => void;

/** Progress lines go to stderr so `up` can keep stdout for the env it prints. */
export const stderrProgress: Progress = (line) => {
  process.stderr.write(`${line}\n`);
};

export const silentProgress: Progress = () => {};

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
}
