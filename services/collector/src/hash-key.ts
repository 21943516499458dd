/**
 * `pnpm --filter @pulse/collector hash-key <key> [tenant] [source]`: prints the sha256 hex of an
 * API key (what PULSE_API_KEYS holds), or a whole `hash:tenant:source` entry when both are given.
 */
import { hashApiKey } from "./api-keys";

const [key, tenant, source] = process.argv.slice(2);
if (key === undefined || key === "") {
  process.stderr.write("usage: hash-key <key> [tenant source]\n");
  process.exit(2);
}
const hash = hashApiKey(key);
process.stdout.write(`${tenant !== undefined && source !== undefined ? `${hash}:${tenant}:${source}` : hash}\n`);
