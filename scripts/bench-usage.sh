#!/usr/bin/env bash
# Usage ingest benchmark: POST /usage throughput and p50/p99 per batch of 1,000 against the real
# worker, then the reporting rate to the Stripe stand-in. Prints figures; never passes or fails.
#
#   scripts/bench-usage.sh                                   # build, then benchmark
#   scripts/bench-usage.sh -Dbench.usage.batches=100 -Dbench.usage.clients=4
#   BENCH_SKIP_BUILD=1 scripts/bench-usage.sh                # reuse target/ as it is
#
# Knobs (see docs/benchmarks.md): bench.usage.batches (200), bench.usage.warmup (30),
# bench.usage.clients (2), bench.usage.accounts (50), bench.usage.report.rate (worker default),
# bench.usage.report.seconds (30), bench.usage.report.during.ingest (false: reporting slowed to 1/s
# while ingesting), bench.usage.profile (a directory for a JFR recording; scripts/bench-usage-profile.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/lib/bench-common.sh

bench_header "billing-worker usage benchmark"
refuse_if_server_running
build_server
run_main com.adventive.billing.bench.UsageIngestBenchmark 1200 "$@"
