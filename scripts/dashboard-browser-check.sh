#!/usr/bin/env bash
# Drives the holder's dashboard in headless Chromium against a live `signet serve`: sign in,
# accept an offer, revoke it, lock down, sign out (scripts/dashboard_browser.py check).
# Needs Debian's chromium (apt-get install -y chromium) and a built .build/debug/signet.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/dashboard_browser.py check --signet "${SIGNET_BIN:-.build/debug/signet}"
