#!/usr/bin/env bash
# Sends one signed sample invoice.finalized event to the worker started with `mvn liberty:run`.
# Usage: scripts/send-sample-event.sh [base-url]     (default http://localhost:${HTTP_PORT:-9080})
set -euo pipefail
cd "$(dirname "$0")/.."
exec java scripts/SendSampleEvent.java "$@"
