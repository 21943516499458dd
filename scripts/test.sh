#!/usr/bin/env bash
# The whole test suite, as CI runs it: types, lint, then every unit and integration test.
# Integration tests start their own real servers (Kafka and the S3 server from Maven Central jars,
# Redis on 127.0.0.1:6379 or a redis-server of their own, ClickHouse through chDB) and stop them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/bootstrap.sh"

# The dashboard's browser test drives Debian's Chromium.
bash "$ROOT/scripts/ensure-chromium.sh"

echo "== typecheck and lint"
pnpm turbo run typecheck lint --output-logs=errors-only

echo "== tests (unit, then integration against real servers)"
mkdir -p test-artifacts
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
# One plain closing line, whatever the reporter printed above.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests + r.numTodoTests ? `, ${r.numPendingTests + r.numTodoTests} skipped` : ""));
' || true
exit $status
