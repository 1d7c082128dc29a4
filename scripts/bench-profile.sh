#!/usr/bin/env bash
# Where the server's time goes on the invoice path: runs the invoice path benchmark with one Java
# Flight Recorder recording of the server per phase (jcmd JFR.start/stop, `profile` settings), then
# prints, per phase, the hot methods of the request or work code path (bench/JfrHotspots).
# Recordings stay in target/profile/<name>/<phase>.jfr for JDK Mission Control.
#
#   scripts/bench-profile.sh                              # profile every phase of the default run
#   PROFILE_NAME=before scripts/bench-profile.sh -Dbench.work.concurrency=2    # knobs as for bench.sh
#   scripts/bench-profile.sh --report-only before         # print the report of earlier recordings again
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
NAME="${PROFILE_NAME:-profile}"
ROWS="${PROFILE_ROWS:-20}"

if [[ "${1:-}" == --report-only ]]; then
  NAME="${2:-$NAME}"
else
  BENCH_ONLY=path scripts/bench.sh -Dbench.server.profile="$ROOT/target/profile/$NAME" "$@"
fi

source scripts/lib/test-classpath.sh
CP="$(test_classpath)"
DIR="$ROOT/target/profile/$NAME"

hotspots() { # file, title, method-on-stack prefix
  [[ -f "$1" ]] || { echo "(no recording $1)"; return; }
  echo "== $2 =="
  # every server thread ("" prefix), only samples with the given code path on the stack
  java -cp "$CP" com.adventive.billing.bench.JfrHotspots "$1" "$ROWS" "" "$3"
  echo
}

hotspots "$DIR/intake-rates.jfr" "pure intake at fixed rates: the webhook request" \
  com.adventive.billing.webhook.boundary.StripeWebhookResource
hotspots "$DIR/intake-rates.jfr" "pure intake at fixed rates: every server thread" ""
hotspots "$DIR/ingest-payout-paid.jfr" "pure intake at saturation: the webhook request" \
  com.adventive.billing.webhook.boundary.StripeWebhookResource
hotspots "$DIR/drain.jfr" "backlog drain: the work (WorkRunner.run)" com.adventive.billing.work.control.WorkRunner.run
hotspots "$DIR/drain.jfr" "backlog drain: every server thread" ""
