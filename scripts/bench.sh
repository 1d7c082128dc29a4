#!/usr/bin/env bash
# Benchmarks for the invoice path. Prints figures; never passes or fails on them.
#
#   scripts/bench.sh                                  # build, PDF render benchmark, invoice path benchmark
#   scripts/bench.sh -Dbench.ingest.requests=5000     # knobs go to both benchmarks as system properties
#   BENCH_SKIP_BUILD=1 scripts/bench.sh               # reuse target/ as it is
#   BENCH_ONLY=render|path scripts/bench.sh           # run one of the two
#
# Knobs (see docs/benchmarks.md): bench.ingest.requests (2000), bench.ingest.finalized.requests (1000),
# bench.ingest.seconds (60), bench.ingest.concurrency (8), bench.ingest.warmup (4000), bench.warmup.invoices (400),
# bench.drain.seconds (240), bench.e2e.samples (30), bench.e2e.warmups (5),
# bench.e2e.large.samples (3), bench.e2e.large.lines (1000), bench.server.timings (production|harness),
# bench.render.concurrency (unset: the harness's RENDER_CONCURRENCY=2).
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/lib/bench-common.sh

bench_header "billing-worker benchmarks"
refuse_if_server_running
build_server

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
