#!/usr/bin/env bash
# Benchmarks for the invoice path. Prints figures; never passes or fails on them.
#
#   scripts/bench.sh                                  # build, PDF render benchmark, invoice path benchmark
#   scripts/bench.sh -Dbench.ingest.requests=5000     # knobs go to both benchmarks as system properties
#   BENCH_SKIP_BUILD=1 scripts/bench.sh               # reuse target/ as it is
#   BENCH_ONLY=render|path scripts/bench.sh           # run one of the two
#
# Knobs (see docs/benchmarks.md): bench.ingest.requests (2000), bench.ingest.finalized.requests (1000),
# bench.ingest.seconds (60), bench.ingest.concurrency (8), bench.ingest.warmup (4000),
# bench.drain.seconds (240), bench.e2e.samples (30), bench.e2e.warmups (5),
# bench.e2e.large.samples (3), bench.e2e.large.lines (1000), bench.server.timings (production|harness),
# bench.render.concurrency (unset: the harness's RENDER_CONCURRENCY=2).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
SERVER_NAME=billingServer
WLP_DIR="$ROOT/target/liberty/wlp"

# The same system properties failsafe gives the integration tests (pom.xml, systemPropertyVariables).
HARNESS_PROPS=(
  "-Dliberty.wlp.dir=$WLP_DIR"
  "-Dliberty.server.name=$SERVER_NAME"
  "-Dbilling.war=$ROOT/target/billing-worker.war"
  "-Dstripe.fixtures.dir=$ROOT/src/test/resources/stripe-fixtures"
)

# Maven 3.8's console writes colour resets even in batch mode; keep the printed figures clean.
strip_ansi() { sed -u $'s/\x1b\\[[0-9;]*m//g'; }

echo "== billing-worker benchmarks =="
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:    $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo 2>/dev/null || echo '? RAM')"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (1/5/15 min; a busy machine skews every figure)"
echo "java:    $(java -version 2>&1 | head -1)"
echo "maven:   $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "git:     $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
echo

# The harness stops a server it finds running in this server directory (it assumes a leftover):
# if integration tests are running right now, that would be theirs. Refuse instead.
PID_FILE="$WLP_DIR/usr/servers/.pid/$SERVER_NAME.pid"
if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null \
    && grep -q ws-server "/proc/$(cat "$PID_FILE")/cmdline" 2>/dev/null; then
  if [[ "${BENCH_FORCE:-0}" != 1 ]]; then
    echo "A Liberty server ($SERVER_NAME, pid $(cat "$PID_FILE")) is running: integration tests or liberty:run?" >&2
    echo "Wait for it to finish (or stop it), or set BENCH_FORCE=1 to let the benchmark stop it." >&2
    exit 1
  fi
fi

OFFLINE=-o
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "-- building the war, the test classes and the Liberty server (mvn package liberty:create, tests skipped) --"
  if ! mvn -B -q -Dstyle.color=never -o -DskipTests package liberty:create 2>&1 | strip_ansi; then
    echo "(offline build failed; trying online)"
    OFFLINE=
    mvn -B -q -Dstyle.color=never -DskipTests package liberty:create 2>&1 | strip_ansi
  fi
  echo
fi

# exec:java runs main inside Maven's JVM and then waits for every non-daemon thread; the timeout is
# a safety net so a benchmark that leaves a thread behind cannot hang the command forever. On
# TERM the harness's shutdown hook still stops the Liberty server and the components.
run_main() {
  local main_class=$1 limit=$2
  shift 2
  timeout --signal=TERM --kill-after=60 "$limit" \
    mvn -B -q -Dstyle.color=never $OFFLINE exec:java -Dexec.mainClass="$main_class" -Dexec.classpathScope=test \
      "${HARNESS_PROPS[@]}" "$@" 2>&1 | strip_ansi
}

status=0
if [[ "${BENCH_ONLY:-render}" == render ]] \
    && [[ -f src/test/java/com/adventive/billing/bench/RenderBenchmark.java ]]; then
  echo "-- PDF render (in-process, no server): com.adventive.billing.bench.RenderBenchmark --"
  run_main com.adventive.billing.bench.RenderBenchmark 600 "$@" || { status=$?; echo "(RenderBenchmark ended with status $status)"; }
  echo
fi
if [[ "${BENCH_ONLY:-path}" == path ]]; then
  run_main com.adventive.billing.bench.InvoicePathBenchmark 1500 "$@" || { status=$?; echo "(InvoicePathBenchmark ended with status $status)"; }
fi
exit "$status"
