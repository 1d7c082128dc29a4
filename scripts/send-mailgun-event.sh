#!/usr/bin/env bash
# Sends one signed sample Mailgun event about an email to a running worker (`mvn liberty:run`).
# Usage: scripts/send-mailgun-event.sh EVENT RECIPIENT MESSAGE_ID [base-url]
#   EVENT: delivered | failed-permanent | failed-temporary | complained | unsubscribed
#   MESSAGE_ID: the email's message_id from GET /admin/invoices/{id} (angle brackets optional)
#   base-url defaults to http://localhost:<HTTP_PORT, else 9080>.
# The signing key is found as the worker finds it: $SECRETS_DIR/MAILGUN_WEBHOOK_SIGNING_KEY, else
# $MAILGUN_WEBHOOK_SIGNING_KEY (start the worker with the same one: it has no default).
set -euo pipefail
cd "$(dirname "$0")/.."
exec java scripts/SendWebhook.java mailgun "$@"
