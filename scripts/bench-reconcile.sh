#!/usr/bin/env bash
# Reconciliation benchmark: 10,000 accounts of one period in the real worker against a local Stripe
# stand-in (WireMock, 100 invoices a page). Prints the time of each run, the Stripe calls made and the
# pages needed; never passes or fails on time.
#
#   scripts/bench-reconcile.sh                                   # build, then 3 runs over 10,000 accounts
#   scripts/bench-reconcile.sh -Dbench.reconcile.accounts=50000  # knobs: bench.reconcile.accounts, bench.reconcile.runs
#   BENCH_SKIP_BUILD=1 scripts/bench-reconcile.sh                # reuse target/ as it is
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WLP_DIR="$ROOT/target/liberty/wlp"
strip_ansi() { sed -u $'s/\x1b\\[[0-9;]*m//g'; }

echo "== billing-worker reconciliation benchmark =="
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:    $(uname -srm), $(nproc) cores"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (1/5/15 min; a busy machine skews every figure)"
echo "git:     $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (working tree has changes)')"

OFFLINE=-o
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -Dstyle.color=never -o -DskipTests package liberty:create 2>&1 | strip_ansi \
    || { OFFLINE=; mvn -B -q -Dstyle.color=never -DskipTests package liberty:create 2>&1 | strip_ansi; }
fi
timeout --signal=TERM --kill-after=60 1200 \
  mvn -B -q -Dstyle.color=never $OFFLINE exec:java -Dexec.mainClass=com.adventive.billing.bench.ReconcileBenchmark \
    -Dexec.classpathScope=test "-Dliberty.wlp.dir=$WLP_DIR" "-Dliberty.server.name=billingServer" \
    "-Dbilling.war=$ROOT/target/billing-worker.war" "-Dstripe.fixtures.dir=$ROOT/src/test/resources/stripe-fixtures" \
    "$@" 2>&1 | strip_ansi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
