#!/usr/bin/env bash
# Where a POST /usage batch's worker CPU goes: runs the usage benchmark with a Java Flight Recorder
# recording of the server during the measured ingest, then prints the share (and milliseconds per
# batch) of each phase (bench/UsageIngestHotspots) and the hot methods (bench/JfrHotspots).
# The recording stays in target/profile/usage-<name>/ingest.jfr for JDK Mission Control.
#
#   scripts/bench-usage-profile.sh                                  # build, benchmark, profile
#   PROFILE_NAME=before BENCH_SKIP_BUILD=1 scripts/bench-usage-profile.sh -Dbench.usage.batches=100
#   scripts/bench-usage-profile.sh --report-only before             # the report of an earlier recording
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
NAME="${PROFILE_NAME:-profile}"
[[ "${1:-}" == --report-only ]] && NAME="${2:-$NAME}"
DIR="$ROOT/target/profile/usage-$NAME"
mkdir -p "$DIR"

if [[ "${1:-}" != --report-only ]]; then
  scripts/bench-usage.sh -Dbench.usage.profile="$DIR" "$@" | tee "$DIR/bench.txt"
fi

source scripts/lib/test-classpath.sh
CP="$(test_classpath)"
# the worker's CPU per batch, as the benchmark printed it ("... = 263.0 ms + 113.0 ms per batch")
CPU_MS=$(sed -n 's/^CPU: .* = \([0-9.]*\) ms + .*/\1/p' "$DIR/bench.txt" 2>/dev/null | head -1)

echo
echo "== where the worker's CPU went during the ingest, by phase =="
java -cp "$CP" com.adventive.billing.bench.UsageIngestHotspots "$DIR/ingest.jfr" ${CPU_MS:+"$CPU_MS"}
echo
echo "== hot methods, samples with the usage resource on the stack =="
java -cp "$CP" com.adventive.billing.bench.JfrHotspots "$DIR/ingest.jfr" "${PROFILE_ROWS:-20}" "" \
  com.adventive.billing.usage.boundary.UsageResource | grep -v '^  *0.0 %  ' | sed '/^phases/,/^$/d'
echo
echo "== hot methods, every server thread =="
java -cp "$CP" com.adventive.billing.bench.JfrHotspots "$DIR/ingest.jfr" "${PROFILE_ROWS:-20}" "" "" \
  | sed '/^phases/,/^$/d'
