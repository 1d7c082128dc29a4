#!/usr/bin/env bash
# Where a render's time goes: renders one invoice size over and over in a warm JVM (production heap)
# under Java Flight Recorder's sampling profiler, then prints the phases and hot methods
# (bench/JfrHotspots). The recording stays in target/profile/ for JDK Mission Control.
#
#   scripts/bench-render-profile.sh            # the 1-page and the 1,000-line invoice, 60 s each
#   scripts/bench-render-profile.sh l50 30     # one case (p1, l50, l1000, l10000) for N seconds
#   PROFILE_NAME=after scripts/bench-render-profile.sh    # names the recordings <case>-<name>.jfr
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/target/profile"
mkdir -p "$OUT" "$ROOT/target/bench-render"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -Dstyle.color=never -o test-compile 2>&1 || mvn -B -q -Dstyle.color=never test-compile
fi
source scripts/lib/test-classpath.sh
CP="$(test_classpath)"

profile() {
  local case_id=$1 seconds=$2
  local jfr="$OUT/$case_id-${PROFILE_NAME:-profile}.jfr"
  echo "== $case_id, $seconds s (load $(cut -d' ' -f1-3 /proc/loadavg)) =="
  # deep stacks: layout recursion is deeper than JFR's default 64 frames
  java -Xmx512m -XX:FlightRecorderOptions:stackdepth=512 \
    -XX:StartFlightRecording=settings=profile,filename="$jfr" \
    -cp "$CP" com.adventive.billing.bench.RenderSideBySide loop "$case_id" "$seconds" 2>&1 | grep -v '^\[' || true
  java -cp "$CP" com.adventive.billing.bench.JfrHotspots "$jfr" "${PROFILE_ROWS:-25}"
  echo
}

if [[ $# -ge 1 ]]; then
  profile "$1" "${2:-60}"
else
  profile p1 60
  profile l1000 60
fi
