#!/usr/bin/env bash
# Coverage-guided fuzzing of the hostile-input parsers with libFuzzer (tile paths, signature
# fields, enrollment bodies, protected templates: Sources/signet-fuzz/FuzzTargets.swift).
#
# Builds signet-fuzz with -sanitize=fuzzer into its own scratch path (every module it links is
# instrumented; the normal build is untouched) and runs libFuzzer from a copy of Fuzz/corpus,
# so what it learns never changes the committed corpus. Findings (crash-*, oom-*, timeout-*)
# land in Fuzz/findings; replay one with `signet-fuzz FILE`.
#
# Usage: scripts/fuzz.sh [SECONDS] (default 120)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-120}"
SCRATCH="${SIGNET_FUZZ_SCRATCH:-$ROOT/.build/libfuzzer}"
cd "$ROOT"
swift build --scratch-path "$SCRATCH" --product signet-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DSIGNET_LIBFUZZER -Xswiftc -use-ld=lld
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -R Fuzz/corpus "$WORK/corpus"
mkdir -p Fuzz/findings
"$SCRATCH/debug/signet-fuzz" --libfuzzer -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix=Fuzz/findings/ "$WORK/corpus"
