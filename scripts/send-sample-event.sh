#!/usr/bin/env bash
# Sends signed sample invoice.finalized events to a running worker (`mvn liberty:run`).
# Usage: scripts/send-sample-event.sh [--count N] [base-url]
#   base-url defaults to http://localhost:<HTTP_PORT, else 9080>; --count N posts N distinct invoices at once.
# The signing secret is found as the worker finds it: $SECRETS_DIR/STRIPE_WEBHOOK_SECRET, else
# $STRIPE_WEBHOOK_SECRET, else the local-run default whsec_local_development_only.
set -euo pipefail
cd "$(dirname "$0")/.."
exec java scripts/SendWebhook.java stripe "$@"
