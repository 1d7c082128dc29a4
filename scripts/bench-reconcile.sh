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
source scripts/lib/bench-common.sh

bench_header "billing-worker reconciliation benchmark"
build_server
run_main com.adventive.billing.bench.ReconcileBenchmark 1200 "$@"
echo "load after: $(load_now)"
