#!/usr/bin/env bash
# Refreshes the dashboard's screenshots in docs/screenshots/ from a live `signet serve` with a
# holder, four parties' offers, two accepted grants and a few uses (scripts/dashboard_browser.py).
# Needs Debian's chromium (apt-get install -y chromium) and a built .build/debug/signet.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/dashboard_browser.py screenshots --signet "${SIGNET_BIN:-.build/debug/signet}" --out docs/screenshots
