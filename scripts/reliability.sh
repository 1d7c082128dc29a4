#!/usr/bin/env bash
# The reliability suite (docs/reliability.md): burst, two instances, crashes and outages, bad input.
# Real Liberty processes, real PostgreSQL, GreenMail, s3proxy and WireMock, all on loopback.
# Every scenario ends by checking the invariants; the figures it prints are never judged.
#
#   scripts/reliability.sh                                   # everything, 10,000-request bursts
#   scripts/reliability.sh -Dreliability.events=1000         # a developer's quicker run
#   scripts/reliability.sh -Dit.test=ReliabilityBurstIT      # one scenario class
#
# Knobs: reliability.events (requests per burst, 10000), reliability.clients (client threads, 16).
# The figures are the lines starting with "[reliability"; the whole log is in target/reliability.log.
set -euo pipefail

cd "$(dirname "$0")/.."
LOG=target/reliability.log
mkdir -p target

{
  echo "== billing-worker reliability suite =="
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "host:    $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo 2>/dev/null || echo '? RAM')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (1/5/15 min; other work on the machine skews every figure)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "git:     $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
  echo
} | tee "$LOG"

set +e
mvn -B -ntp verify -Preliability -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false "$@" 2>&1 \
  | sed -u $'s/\x1b\\[[0-9;]*m//g' >> "$LOG"
status=${PIPESTATUS[0]}
set -e

echo "== figures =="
grep -E '^\[reliability' "$LOG" || true
grep -E 'Tests run:|FAIL|BUILD' "$LOG" | tail -20
echo "load now: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
exit "$status"
