#!/usr/bin/env bash
# Installs the workspace's tools and dependencies; safe to run again (it is quick when nothing changed).
# Sourced by the start and test entry points, and by people (`source scripts/bootstrap.sh` puts the
# pinned pnpm on PATH). So it changes nothing in the caller's shell but PATH: the install runs in a
# subshell with its own strict options, and a failure returns 1 instead of closing the shell.
PULSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PULSE_ROOT/.cache/tools/node_modules/.bin:$PULSE_ROOT/node_modules/.bin:$PATH"

__pulse_install() (
  set -euo pipefail
  PNPM_VERSION="$(node -p "require('$PULSE_ROOT/package.json').packageManager.split('@')[1]")"
  TOOLS="$PULSE_ROOT/.cache/tools"

  # pnpm is pinned by package.json#packageManager and kept in a project-local folder, so a machine
  # without corepack (or with a different global pnpm) gets exactly the same version.
  if [ ! -x "$TOOLS/node_modules/.bin/pnpm" ] || [ "$("$TOOLS/node_modules/.bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
    echo "pulse: installing pnpm $PNPM_VERSION into .cache/tools" >&2
    npm install --silent --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2
  fi

  # --frozen-lockfile: CI and fresh clones get exactly the locked versions. Skipped when the
  # installed tree was made from this very lockfile (a stamp of its hash), so commands start quickly.
  STAMP="$PULSE_ROOT/node_modules/.pulse-lock-sha256"
  LOCK_SHA="$(sha256sum "$PULSE_ROOT/pnpm-lock.yaml" | cut -d' ' -f1)"
  if [ "${PULSE_SKIP_INSTALL:-0}" != "1" ] && [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SHA" ]; then
    echo "pulse: installing dependencies (pnpm install --frozen-lockfile)" >&2
    (cd "$PULSE_ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=append-only >&2) || {
      echo "pulse: pnpm install failed" >&2
      exit 1
    }
    echo "$LOCK_SHA" > "$STAMP"
  fi
)

if ! command -v node >/dev/null 2>&1; then
  echo "pulse: Node.js 20 or newer is required (node was not found on PATH)" >&2
  unset -f __pulse_install
  return 1 2>/dev/null || exit 1
fi
if ! __pulse_install; then
  unset -f __pulse_install
  return 1 2>/dev/null || exit 1
fi
unset -f __pulse_install
