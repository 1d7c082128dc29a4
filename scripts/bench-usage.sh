#!/usr/bin/env bash
# Usage ingest benchmark: POST /usage throughput and p50/p99 per batch of 1,000 against the real
# worker, then the reporting rate to the Stripe stand-in. Prints figures; never passes or fails.
#
#   scripts/bench-usage.sh                                   # build, then benchmark
#   scripts/bench-usage.sh -Dbench.usage.batches=100 -Dbench.usage.clients=4
#   BENCH_SKIP_BUILD=1 scripts/bench-usage.sh                # reuse target/ as it is
#
# Knobs (see docs/benchmarks.md): bench.usage.batches (60), bench.usage.warmup (10),
# bench.usage.clients (2), bench.usage.accounts (50), bench.usage.report.rate (worker default),
# bench.usage.report.seconds (30), bench.usage.report.during.ingest (false: reporting slowed to 1/s
# while ingesting), bench.usage.profile (a directory for a JFR recording; scripts/bench-usage-profile.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
SERVER_NAME=billingServer
WLP_DIR="$ROOT/target/liberty/wlp"
HARNESS_PROPS=(
  "-Dliberty.wlp.dir=$WLP_DIR"
  "-Dliberty.server.name=$SERVER_NAME"
  "-Dbilling.war=$ROOT/target/billing-worker.war"
  "-Dstripe.fixtures.dir=$ROOT/src/test/resources/stripe-fixtures"
)
strip_ansi() { sed -u $'s/\x1b\\[[0-9;]*m//g'; }

echo "== billing-worker usage benchmark =="
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:    $(uname -srm), $(nproc) cores"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (1/5/15 min; a busy machine skews every figure)"
echo "git:     $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
echo

PID_FILE="$WLP_DIR/usr/servers/.pid/$SERVER_NAME.pid"
if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null \
    && grep -q ws-server "/proc/$(cat "$PID_FILE")/cmdline" 2>/dev/null && [[ "${BENCH_FORCE:-0}" != 1 ]]; then
  echo "A Liberty server ($SERVER_NAME, pid $(cat "$PID_FILE")) is running: integration tests or liberty:run?" >&2
  echo "Wait for it to finish (or stop it), or set BENCH_FORCE=1 to let the benchmark stop it." >&2
  exit 1
fi

OFFLINE=-o
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "-- building the war, the test classes and the Liberty server (tests skipped) --"
  if ! mvn -B -q -Dstyle.color=never -o -DskipTests package liberty:create 2>&1 | strip_ansi; then
    OFFLINE=
    mvn -B -q -Dstyle.color=never -DskipTests package liberty:create 2>&1 | strip_ansi
  fi
  echo
fi

timeout --signal=TERM --kill-after=60 1200 \
  mvn -B -q -Dstyle.color=never $OFFLINE exec:java -Dexec.mainClass=com.adventive.billing.bench.UsageIngestBenchmark \
    -Dexec.classpathScope=test "${HARNESS_PROPS[@]}" "$@" 2>&1 | strip_ansi
