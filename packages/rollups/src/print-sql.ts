/**
 * Prints the statements that re-create the rollup views from the declaration, for a migration
 * that adds or drops a statistic: `pnpm --filter @pulse/rollups sql` (add `--with-fcr` to include
 * the FCR view).
 */
import { viewStatements } from "./sql";

process.stdout.write(viewStatements({ withFcr: process.argv.includes("--with-fcr") }).map((s) => `${s};\n`).join("\n"));
