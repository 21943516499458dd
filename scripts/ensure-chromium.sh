#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard browser test (services/query) when it is missing.
# playwright-core drives it at /usr/bin/chromium; no browser build is downloaded by Playwright.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "pulse: installing chromium (Debian package) for the dashboard browser test" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
