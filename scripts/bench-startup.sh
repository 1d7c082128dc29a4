#!/usr/bin/env bash
# Server start-up benchmark: `server start` → /health/ready 200, N times, on the embedded defaults
# (Derby, bucket folder, mail outbox). Prints figures; never passes or fails on them.
#
#   scripts/bench-startup.sh [N]                 # build (package liberty:create), then N timed starts (default 3)
#   BENCH_SKIP_BUILD=1 scripts/bench-startup.sh  # reuse target/ as it is
#   STARTUP_JFR=1 scripts/bench-startup.sh 1     # JFR recording from JVM start (profile settings), then where the CPU went
#   STARTUP_JVM_OPTIONS=$'-XX:A\n-XX:B' scripts/bench-startup.sh   # extra jvm.options lines, for an experiment
#   STARTUP_OPENAPI_OUT=f scripts/bench-startup.sh 1   # also save the /openapi document of the last start to f
#
# The figure to compare is the server's CPU seconds at ready (the JVM's user+system time when
# /health/ready first answers 200), not the wall time: on 2 cores shared with other work the wall
# time mostly measures the load. JIT (C1/C2 compiler threads) and GC/VM threads are shown apart.
# The server is a copy of target/liberty/wlp/usr/servers/billingServer named startupBench, with the
# war in dropins; its Derby database and workarea (OSGi and annotation caches) are kept between
# starts, as in a rolling restart. Its first start after a build (new database to migrate, empty
# caches) is printed but marked "cold"; STARTUP_PORT (19080) is its HTTP port.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N=${1:-3}
WLP="$ROOT/target/liberty/wlp"
NAME=startupBench
SERVER="$WLP/usr/servers/$NAME"
PORT=${STARTUP_PORT:-19080}

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -ntp -q -DskipTests package liberty:create
fi
javac -d target/startup-bench-classes src/test/java/com/adventive/billing/bench/JfrStartup.java

# A fresh copy of the laid-out server's configuration; its data/ and workarea/ stay if they exist.
cold=0
[[ -d "$SERVER/workarea" ]] || cold=1
mkdir -p "$SERVER/dropins"
(cd "$WLP/usr/servers/billingServer" && tar cf - --exclude=./workarea --exclude=./logs --exclude=./data --exclude=./dropins --exclude=./apps .) \
  | (cd "$SERVER" && tar xf -)
cp "$ROOT/target/billing-worker.war" "$SERVER/dropins/"
# Extra JVM options for an experiment, one per line (e.g. STARTUP_JVM_OPTIONS=-XX:TieredStopAtLevel=1).
if [[ -n "${STARTUP_JVM_OPTIONS:-}" ]]; then
  printf '%s\n' "$STARTUP_JVM_OPTIONS" >> "$SERVER/jvm.options"
  echo "extra jvm.options: $(echo "$STARTUP_JVM_OPTIONS" | tr '\n' ' ')"
fi
if [[ "${STARTUP_JFR:-0}" == 1 ]]; then
  echo "-XX:StartFlightRecording=filename=$ROOT/target/startup.jfr,settings=profile,dumponexit=true" >> "$SERVER/jvm.options"
fi

export HTTP_PORT=$PORT HTTPS_PORT=$((PORT + 363))
echo "== server start-up: $(date -u '+%F %T UTC'), $(nproc) cores, java $(java -version 2>&1 | head -1), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (changed)')"
for i in $(seq 1 "$N"); do
  load0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s.%N)
  "$WLP/bin/server" start "$NAME" >/dev/null 2>&1
  until curl -fs -o /dev/null "http://localhost:$PORT/health/ready"; do sleep 0.05; done
  t1=$(date +%s.%N)
  pid=$(cat "$WLP/usr/servers/.pid/$NAME.pid")
  cpu=$(awk '{print ($14+$15)/100}' "/proc/$pid/stat")
  jit=0; gc=0
  for t in /proc/"$pid"/task/*; do
    c=$(cat "$t/comm" 2>/dev/null) && v=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print ($12+$13)/100}') || continue
    case "$c" in C1\ Compiler*|C2\ Compiler*) jit=$(echo "$jit + $v" | bc);; G1*|GC\ Thread*|VM\ Thread) gc=$(echo "$gc + $v" | bc);; esac
  done
  if [[ -n "${STARTUP_OPENAPI_OUT:-}" ]]; then curl -fs "http://localhost:$PORT/openapi" > "$STARTUP_OPENAPI_OUT"; fi
  label="start $i"; [[ $cold == 1 ]] && label="start $i (cold: new database and workarea)"; cold=0
  printf '%s: server CPU at ready %.2f s (JIT %.2f s, GC/VM %.2f s), ready %.1f s wall, load %s→%s\n' \
    "$label" "$cpu" "$jit" "$gc" "$(echo "$t1 - $t0" | bc)" "$load0" "$(cut -d' ' -f1 /proc/loadavg)"
  "$WLP/bin/server" stop "$NAME" >/dev/null 2>&1
done
if [[ "${STARTUP_JFR:-0}" == 1 ]]; then
  java -cp target/startup-bench-classes com.adventive.billing.bench.JfrStartup target/startup.jfr 30
fi
