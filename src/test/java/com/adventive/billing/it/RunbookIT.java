package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.SmtpControl;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.sha256;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every command in docs/runbook.md that talks to the worker, exactly as written (the shell
 * variables and the example ids filled in, each {@code jq} filter evaluated as jq does), in the
 * situation its section is for, and checks that it shows what the runbook says it shows. A command
 * added to the runbook fails this test until a step here checks it; a command removed or changed
 * so that a step no longer finds it fails too. So the runbook cannot drift from the API.
 */
@BillingIT
class RunbookIT {

    private static final Path RUNBOOK = Path.of("docs/runbook.md");
    private static final String TOKEN_ID = "runbook-operator.access";
    private static final String TOKEN_SECRET = UUID.randomUUID().toString();
    /** The example ids the runbook's commands carry; each step puts a real one in their place. */
    private static final String EXAMPLE_INVOICE = "in_1THM9xCSGXf35AB6gDkwmE5y";
    private static final Pattern EXAMPLE_WORK_ITEM = Pattern.compile("/admin/work/42/");
    /** The example recipient of the runbook's suppression commands. */
    private static final String EXAMPLE_EMAIL = "customer@example.com";
    /** The usage commands' example period; steps run them for the current month (Stripe takes only recent usage). */
    private static final String EXAMPLE_PERIOD = "2026-11";
    /** A reading cached by the worker (health) may take a few seconds to show a change. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Scope JQ = jqScope();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Set<Curl> checked = new LinkedHashSet<>();
    private List<Curl> runbook;

    @BeforeAll
    static void operatorToken() {
        BillingServer.writeSecret("ADMIN_SERVICE_TOKENS",
                TOKEN_ID + ":" + sha256(TOKEN_SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyWorkerCommandInTheRunbookShowsWhatTheRunbookSays(Db db, WebhookClient webhook, Mailbox mailbox,
                                                               StripeApiStub stripe, Bucket bucket,
                                                               SmtpControl smtp) throws Exception {
        runbook = Curl.allIn(Files.readString(RUNBOOK));

        // --- The situation the runbook is used in (the tables are empty when a class starts) ---
        // An invoice that reached its customer.
        var delivered = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("runbook-delivered")).build();
        stripe.stubInvoice(delivered, 100);
        assertEquals(200, webhook.postSigned(delivered.eventJson()).statusCode());
        awaitWorkState(db, delivered.eventId(), "done");
        ReceivedMail original = mailbox.waitFor(delivered.customerEmail(), 1).get(0);
        // One whose first send failed (SMTP refusing) and went out on a retry.
        var retried = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("runbook-retried")).build();
        stripe.stubInvoice(retried, 100); // a retry asks Stripe for the invoice's current status
        smtp.stop();
        try {
            assertEquals(200, webhook.postSigned(retried.eventJson()).statusCode());
            Await.until(WORK_TIMEOUT, () -> operationalEvents(db, "email_failed", retried.invoiceId()) >= 1,
                    "the refused send to be recorded");
        } finally {
            smtp.start();
        }
        awaitWorkState(db, retried.eventId(), "done");
        // One of an account the legacy system still bills.
        var legacy = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("runbook-legacy")).build();
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'legacy', 'Legacy cohort', CURRENT_TIMESTAMP)", legacy.acctId(), legacy.customerId());
        assertEquals(200, webhook.postSigned(legacy.eventJson()).statusCode());
        awaitWorkState(db, legacy.eventId(), "skipped");
        // One whose account nobody knows: its work fails.
        var orphan = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("runbook-orphan")).acctId(null).build();
        stripe.stubCustomer(orphan.customerJson());
        assertEquals(200, webhook.postSigned(orphan.eventJson()).statusCode());
        awaitWorkState(db, orphan.eventId(), "failed");
        long orphanWorkId = ((Number) db.rows("SELECT id FROM work_item WHERE event_id = ?", orphan.eventId())
                .get(0).get("id")).longValue();
        // The renderer has no input that makes it fail (by design), so the failure the playbook
        // looks for is recorded the way the worker records it.
        db.execute("INSERT INTO operational_event (occurred_at, event_type, stripe_invoice_id, acct_id, detail) "
                + "VALUES (?, 'pdf_render_failed', ?, ?, 'RuntimeException: seeded by RunbookIT')",
                LocalDateTime.now(ZoneOffset.UTC), delivered.invoiceId(), delivered.acctId());

        // --- Quick checks ---
        eventually(command("GET", "/health", jq(".")), null, out -> {
            JsonNode health = single(out);
            assertEquals("UP", health.path("status").asText(), "status UP: " + health);
        });
        eventually(command("GET", "/health/ready", jqEndsWith(".data")), null, out -> {
            JsonNode data = single(out);
            assertFalse(data.path("version").asText().isBlank(), "version: " + data);
            assertTrue(data.path("stripe_connected").isBoolean() && data.path("stripe_connected").asBoolean(),
                    "Stripe connectivity: " + data);
            assertEquals("up", data.path("queue").asText(), "queue: " + data);
            assertEquals(0, data.path("pending_work").asLong(-1), "nothing pending: " + data);
            assertEquals(1, data.path("failed_work").asLong(-1), "failed work, the orphan's: " + data);
        });
        run(command("GET", "/admin/work?state=failed", jq(".")), null, out -> {
            JsonNode items = single(out).path("items");
            assertEquals(1, items.size(), "the one item that gave up: " + items);
            assertEquals(orphanWorkId, items.get(0).path("id").asLong());
            assertEquals("account_unresolved", items.get(0).path("failure_reason").asText());
        });
        run(command("GET", "/admin/events?limit=20", jq(".items[]")), null, out -> {
            List<Long> newestFirst = db.rows("SELECT id FROM operational_event ORDER BY id DESC LIMIT 20").stream()
                    .map(r -> ((Number) r.get("id")).longValue()).toList();
            assertEquals(newestFirst, out.stream().map(e -> e.path("id").asLong()).toList(),
                    "the newest 20 operational events, newest first");
            List<String> types = out.stream().map(e -> e.path("type").asText()).toList();
            assertTrue(types.containsAll(List.of("pdf_rendered", "email_sent", "email_failed", "double_billing_risk")),
                    types.toString());
        });

        // --- Monthly reconciliation, while something has not reached its customer ---
        // Stripe has no invoice in the last closed period: the money side is clean, the delivery side is not.
        stripe.wireMock().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/invoices"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"object\":\"list\",\"data\":[],\"has_more\":false,\"url\":\"/v1/invoices\"}")));
        Curl monthly = command("GET", "/admin/reconcile", jq("."));
        run(monthly, null, out -> {
            JsonNode report = single(out);
            assertEquals("drift", report.path("status").asText(), report.toString());
            assertEquals(1, report.path("drift_count").asLong(), "the orphan's failed work: " + report);
        });
        // --- Reconciliation drift playbook: the detail names it ---
        Curl driftDetail = command("GET", "/admin/reconcile?detail=true", jq("."));
        run(driftDetail, null, out -> {
            JsonNode drifts = single(out).path("drifts");
            assertEquals(1, drifts.size(), drifts.toString());
            assertEquals("work_failed", drifts.get(0).path("kind").asText());
            assertEquals(orphan.invoiceId(), drifts.get(0).path("invoice_id").asText());
        });
        run(command("GET", "/admin/reconcile?detail=true",
                jq(".drifts[] | {kind, acct_id, invoice_id, expected, actual, delta, next_step, fix}")), null, out -> {
            assertEquals(1, out.size(), out.toString());
            assertEquals("work_failed", out.get(0).path("kind").asText());
            assertTrue(out.get(0).path("next_step").asText().contains("/admin/work"), out.toString());
        });
        run(command("GET", "/admin/reconcile/runs?limit=5", jq(".items[] | {id, period, trigger, state, status, "
                + "drift_count, rounding_count, stripe_calls, stripe_pages_needed}")), null, out -> {
            assertFalse(out.isEmpty(), "the runs just made");
            assertTrue(out.size() <= 5, out.toString());
            JsonNode latest = out.get(0);
            assertEquals("done", latest.path("state").asText(), latest.toString());
            assertEquals("drift", latest.path("status").asText(), latest.toString());
            assertEquals(1, latest.path("drift_count").asLong(), latest.toString());
            assertEquals(1, latest.path("stripe_calls").asLong(), "one page of the period's invoices: " + latest);
            assertEquals(1, latest.path("stripe_pages_needed").asLong(), latest.toString());
        });
        run(command("GET", "/admin/events?type=double_billing_risk", jq(".items[]")), null, out -> {
            assertTrue(out.stream().allMatch(e -> "double_billing_risk".equals(e.path("type").asText())), out.toString());
            assertEquals(List.of(legacy.invoiceId()), out.stream().map(e -> e.path("invoice_id").asText()).toList());
        });

        // --- Roll back / rotate a secret: one value each ---
        String version = single(run(command("GET", "/health", jqEndsWith(".data.version")), null, out -> {
            assertTrue(single(out).isTextual() && !single(out).asText().isBlank(), "the version: " + out);
        })).asText();
        assertEquals(version, readiness(command("GET", "/health/ready", jqEndsWith(".data"))).path("version").asText());
        eventually(command("GET", "/health", jqEndsWith(".data.stripe_connected")), null,
                out -> assertEquals(JSON.getNodeFactory().booleanNode(true), single(out), "true once the key works"));

        // --- Resend an invoice email ---
        int fetchesBefore = stripe.requests("GET", "/v1/invoices/" + delivered.invoiceId()).size();
        long storedEventsBefore = db.count("SELECT COUNT(*) FROM stripe_event");
        JsonNode resend = single(run(command("POST", "/admin/resend-invoice", jq(".")), delivered.invoiceId(), out -> {
            JsonNode answer = single(out);
            assertFalse(answer.path("pdf").path("key").asText().isBlank(), "the PDF's key: " + answer);
            assertFalse(answer.path("pdf").path("sha256").asText().isBlank(), "the PDF's sha256: " + answer);
            assertFalse(answer.path("message_id").asText().isBlank(), "the new email's message_id: " + answer);
        }));
        List<ReceivedMail> mails = mailbox.waitFor(delivered.customerEmail(), 2);
        assertEquals(2, mails.size(), "the original and the resend");
        ReceivedMail resent = mails.get(1);
        assertEquals(resend.path("message_id").asText(), resent.header("Message-ID"));
        assertEquals(resend.path("pdf").path("sha256").asText(),
                sha256(resent.attachmentsOfType("application/pdf").get(0).bytes()));
        assertTrue(stripe.requests("GET", "/v1/invoices/" + delivered.invoiceId()).size() > fetchesBefore,
                "re-fetches the invoice from Stripe");
        assertEquals(List.of(), stripe.changingRequests("/").stream().map(r -> r.getMethod() + " " + r.getUrl()).toList(),
                "creates no Stripe event: nothing but reads reached Stripe");
        assertEquals(storedEventsBefore, db.count("SELECT COUNT(*) FROM stripe_event"));

        // --- Handle a dispute: the PDF as sent and every email with its Message-ID ---
        JsonNode evidence = single(run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE, jq("{pdf, emails}")),
                delivered.invoiceId(), out -> {
                    JsonNode dossier = single(out);
                    assertEquals(List.of("pdf", "emails"), fieldNames(dossier));
                    assertTrue(bucket.get(dossier.path("pdf").path("key").asText()).isPresent(), dossier.toString());
                    List<String> sent = StreamSupport.stream(dossier.path("emails").spliterator(), false)
                            .filter(e -> "sent".equals(e.path("status").asText()))
                            .map(e -> e.path("message_id").asText()).sorted().toList();
                    assertEquals(List.of(original.header("Message-ID"), resent.header("Message-ID")).stream().sorted()
                            .toList(), sent, "every email the customer got, by Message-ID");
                }));
        Result pdf = execute(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE + "/pdf", null), delivered.invoiceId());
        assertEquals(200, pdf.status(), pdf.body());
        assertEquals("%PDF", new String(pdf.bytes(), 0, 4, StandardCharsets.US_ASCII), "-o saves a PDF");
        assertEquals(evidence.path("pdf").path("sha256").asText(), sha256(pdf.bytes()), "the dossier's PDF");
        assertEquals(sha256(original.attachmentsOfType("application/pdf").get(0).bytes()), sha256(pdf.bytes()),
                "the PDF as the customer received it");

        // --- Stripe webhook not delivered: diagnosis starts with readiness ---
        eventually(command("GET", "/health/ready", jq(".")), null,
                out -> assertEquals("UP", single(out).path("status").asText(), out.toString()));

        // --- Invoice email not delivered: the retried invoice tells its story ---
        run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE, jq("{work, emails, pdf, operational_events}")),
                retried.invoiceId(), out -> {
                    JsonNode story = single(out);
                    assertEquals(List.of("work", "emails", "pdf", "operational_events"), fieldNames(story));
                    assertEquals("done", story.path("work").get(0).path("state").asText(), story.toString());
                    assertEquals("sent", story.path("emails").get(0).path("status").asText(), story.toString());
                    assertFalse(story.path("pdf").path("key").asText().isBlank(), story.toString());
                    List<String> types = StreamSupport.stream(story.path("operational_events").spliterator(), false)
                            .map(e -> e.path("type").asText()).toList();
                    assertTrue(types.containsAll(List.of("email_failed", "email_sent")), types.toString());
                });
        run(command("GET", "/admin/events?type=email_failed&limit=20", jq(".items[]")), null, out -> {
            assertFalse(out.isEmpty(), "the refused send is listed");
            assertTrue(out.stream().allMatch(e -> "email_failed".equals(e.path("type").asText())
                    && retried.invoiceId().equals(e.path("invoice_id").asText())), out.toString());
        });

        // --- PDF render failed ---
        run(command("GET", "/admin/events?type=pdf_render_failed&limit=20", jq(".items[]")), null, out -> {
            assertEquals(1, out.size(), out.toString());
            assertEquals("pdf_render_failed", out.get(0).path("type").asText());
            assertEquals(delivered.invoiceId(), out.get(0).path("invoice_id").asText());
        });
        int mailsBeforeRender = mailbox.countTo(delivered.customerEmail());
        run(command("POST", "/admin/render-pdf", jq(".")), delivered.invoiceId(), out -> {
            JsonNode answer = single(out);
            for (String field : List.of("key", "size", "sha256", "pages", "render_millis")) {
                assertTrue(answer.hasNonNull(field), "answers " + field + ": " + answer);
            }
            byte[] stored = bucket.get(answer.path("key").asText()).orElseThrow();
            assertEquals(sha256(stored), answer.path("sha256").asText());
            assertEquals(stored.length, answer.path("size").asLong());
            assertTrue(answer.path("pages").asInt() >= 1, answer.toString());
        });
        assertEquals(mailsBeforeRender, mailbox.countTo(delivered.customerEmail()), "render-pdf sends nothing");

        // --- Incorrect invoice amount: the figures are Stripe's ---
        run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE, jq("{invoice_number, currency, total, amount_due, pdf}")),
                delivered.invoiceId(), out -> {
                    JsonNode figures = single(out);
                    assertEquals(List.of("invoice_number", "currency", "total", "amount_due", "pdf"), fieldNames(figures));
                    var invoice = Fixtures.parse(delivered.invoiceJson());
                    assertEquals(invoice.getString("number"), figures.path("invoice_number").asText());
                    assertEquals(invoice.getString("currency").toUpperCase(), figures.path("currency").asText(),
                            "Stripe's currency, as an ISO code");
                    assertEquals(invoice.getJsonNumber("total").longValue(), figures.path("total").asLong(-1));
                    assertEquals(delivered.amountDue(), figures.path("amount_due").asLong(-1));
                    assertFalse(figures.path("pdf").path("key").asText().isBlank());
                });

        // --- Failed work: find it, fix the cause, retry it ---
        run(command("GET", "/admin/work?state=failed", jq(".items[] | {id, event_id, failure_reason, last_error}")), null,
                out -> {
                    JsonNode item = single(out);
                    assertEquals(List.of("id", "event_id", "failure_reason", "last_error"), fieldNames(item));
                    assertEquals(orphanWorkId, item.path("id").asLong());
                    assertEquals(orphan.eventId(), item.path("event_id").asText());
                    assertEquals("account_unresolved", item.path("failure_reason").asText());
                    assertFalse(item.path("last_error").asText().isBlank(), item.toString());
                });
        // The fix the runbook names for account_unresolved: the account row for the customer.
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'worker', 'Fixed by the runbook', CURRENT_TIMESTAMP)",
                "acct_" + Fixtures.stripeId("", 12), orphan.customerId());
        Result retry = execute(command("POST", "/admin/work/42/retry", jq(".")), null, orphanWorkId);
        assertEquals(200, retry.status(), retry.body());
        awaitWorkState(db, orphan.eventId(), "done");
        assertEquals(1, mailbox.waitFor(orphan.customerEmail(), 1).size(), "the retried invoice reached its customer");

        // --- Verification after the fix: re-run the reconciliation, drift_count is 0 ---
        run(driftDetail, null, out -> {
            assertEquals(0, single(out).path("drift_count").asLong(-1), out.toString());
            assertEquals("clean", single(out).path("status").asText(), out.toString());
        });
        // The monthly check's own "Expected:" line, read from the runbook and held to the letter.
        assertTrue(monthly.expected() != null, "the runbook states what the monthly check expects");
        run(monthly, null, out -> {
            JsonNode report = single(out);
            assertMatchesExpected(monthly.expected(), report);
            assertEquals(3, report.path("accounts_checked").asLong(), "delivered, retried and the fixed orphan: " + report);
        });

        // --- Move a cohort from the legacy system to the worker ---
        run(command("GET", "/admin/accounts?billed_by=legacy&limit=500", jq(".items[] | {acct_id, stripe_customer_id}")),
                null, out -> {
                    assertTrue(out.stream().anyMatch(a -> legacy.acctId().equals(a.path("acct_id").asText())
                            && legacy.customerId().equals(a.path("stripe_customer_id").asText())), out.toString());
                    assertTrue(out.stream().allMatch(a -> List.of("acct_id", "stripe_customer_id").equals(fieldNames(a))));
                });
        run(command("PUT", "/admin/accounts/acct_8Hq2Lm4Xr7Tz", jq(".")), null, out -> {
            JsonNode account = single(out);
            assertEquals("acct_8Hq2Lm4Xr7Tz", account.path("acct_id").asText(), account.toString());
            assertEquals("cus_Q8x2LmN4pR7sT1", account.path("stripe_customer_id").asText(), account.toString());
            assertEquals("stripe", account.path("billed_by").asText(), account.toString());
        });
        run(command("GET", "/admin/accounts/acct_8Hq2Lm4Xr7Tz",
                jq("{acct_id, stripe_customer_id, billed_by, updated_at, updated_by}")), null, out -> {
                    JsonNode account = single(out);
                    assertEquals("stripe", account.path("billed_by").asText(), account.toString());
                    assertFalse(account.path("updated_by").asText().isBlank(), "who moved it: " + account);
                });
        run(command("GET", "/admin/events?type=account_changed&account=acct_8Hq2Lm4Xr7Tz", jq(".items[]")), null,
                out -> {
                    assertFalse(out.isEmpty(), "the move is on record");
                    assertTrue(out.stream().allMatch(e -> "account_changed".equals(e.path("type").asText())), out.toString());
                });
        run(command("GET", "/admin/events?type=double_billing_risk&limit=50",
                jq(".items[] | {occurred_at, invoice_id, acct_id, detail}")), null, out ->
                assertEquals(List.of(legacy.invoiceId()), out.stream().map(e -> e.path("invoice_id").asText()).toList()));
        run(command("GET", "/admin/events?type=account_conflict&limit=50",
                jq(".items[] | {occurred_at, invoice_id, acct_id, detail}")), null, out ->
                assertEquals(List.of(), out, "no invoice named an account other than its customer's"));
        // --- An invoice not delivered because Stripe no longer has it open: none in this story ---
        run(command("GET", "/admin/events?type=invoice_not_deliverable&limit=20", jq(".items[]")), null, out ->
                assertEquals(List.of(), out, "every invoice here was open when it was sent"));

        // --- Lifecycle doors (refund, dispute evidence, failed payment, payment-method link, replay) ---
        lifecycleSteps(db, webhook, mailbox, stripe, delivered, evidence.path("pdf").path("sha256").asText());

        // --- Metered usage, on the account the cohort move just put on Stripe ---
        String usageAcct = "acct_8Hq2Lm4Xr7Tz";
        String usageCustomer = "cus_Q8x2LmN4pR7sT1";
        new com.adventive.billing.it.support.MeterEventStub(stripe).accepting();
        run(command("POST", "/usage", jq("{accepted, duplicate, conflict, rejected}")), null, out -> {
            JsonNode counts = single(out);
            assertEquals(1, counts.path("accepted").asInt(), counts.toString());
            assertEquals(0, counts.path("rejected").asInt(), counts.toString());
        });
        Await.until(WORK_TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                usageAcct) == 1, "the missing usage to be reported");
        run(command("GET", "/admin/usage?account=acct_8Hq2Lm4Xr7Tz&period=2026-11", jq(".totals")), null, out -> {
            JsonNode totals = single(out);
            assertEquals(1, totals.size(), totals.toString());
            assertEquals("reported", totals.get(0).path("state").asText());
            assertEquals("record", totals.get(0).path("kind").asText());
            assertEquals(1200, totals.get(0).path("quantity").asLong());
        });
        // Stripe counted the batch twice: the check says so.
        var billing = new com.adventive.billing.it.support.StripeBillingStub(stripe).meter("mtr_runbook", "impressions")
                .summaries("mtr_runbook", usageCustomer, new java.math.BigDecimal(2400));
        run(command("GET", "/admin/usage/stripe-check?account=acct_8Hq2Lm4Xr7Tz&period=2026-11",
                jq(".metrics[] | {metric, ledger_reported, stripe_total, difference, verdict, advice}")), null, out -> {
                    JsonNode metric = single(out);
                    assertEquals("impressions", metric.path("metric").asText());
                    assertEquals(1200, metric.path("ledger_reported").asLong());
                    assertEquals(1200, metric.path("difference").asLong(), metric.toString());
                    assertEquals("stripe_higher", metric.path("verdict").asText());
                    assertTrue(metric.path("advice").asText().contains("credit note"), metric.toString());
                });
        run(command("POST", "/admin/usage/adjustments", jq("{status, record_id, quantity, state, handling}")), null, out -> {
            JsonNode adjusted = single(out);
            assertEquals("accepted", adjusted.path("status").asText(), adjusted.toString());
            assertEquals(-1200, adjusted.path("quantity").asLong());
            assertEquals("credit_due", adjusted.path("state").asText());
        });
        assertEquals(1, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND entry_kind = 'adjustment' "
                + "AND recorded_by = ?", usageAcct, TOKEN_ID), "who made it comes from the credentials");
        String creditNoteId = Fixtures.stripeId("cn_", 24);
        billing.creditNotesAnswering(creditNoteId, "RB-CN-1", delivered.invoiceId(), 1500, "usd");
        int mailsBeforeCredit = mailbox.countTo(delivered.customerEmail());
        run(command("POST", "/admin/credit-notes", jq("{status, credit_note_id, number, total, currency}")),
                delivered.invoiceId(), out -> {
                    JsonNode note = single(out);
                    assertEquals("issued", note.path("status").asText(), note.toString());
                    assertEquals(creditNoteId, note.path("credit_note_id").asText());
                    assertEquals(1500, note.path("total").asLong());
                });
        ReceivedMail creditMail = mailbox.waitFor(delivered.customerEmail(), mailsBeforeCredit + 1).get(mailsBeforeCredit);
        assertTrue(creditMail.subject().contains("Credit note RB-CN-1"), creditMail.subject());
        assertEquals(1, creditMail.attachmentsOfType("application/pdf").size(), "the credit note's PDF is attached");
        // A managed job, listed, and taken back with a credit note line.
        billing.invoiceItemsAnswering("ii_runbook_job");
        run(command("POST", "/admin/managed-jobs", jq("{status, job_id, state, stripe_invoice_item_id}")), null, out -> {
            JsonNode job = single(out);
            assertEquals("created", job.path("status").asText(), job.toString());
            assertEquals("ii_runbook_job", job.path("stripe_invoice_item_id").asText());
        });
        run(command("GET", "/admin/managed-jobs?account=acct_8Hq2Lm4Xr7Tz",
                jq(".[] | {job_id, amount, currency, state, stripe_invoice_item_id, created_by}")), null, out -> {
                    JsonNode job = single(out);
                    assertEquals("JOB-2026-0077", job.path("job_id").asText());
                    assertEquals(125000, job.path("amount").asLong());
                    assertEquals(TOKEN_ID, job.path("created_by").asText());
                });
        String jobCreditNoteId = Fixtures.stripeId("cn_", 24);
        billing.creditNotesAnswering(jobCreditNoteId, "RB-CN-2", delivered.invoiceId(), 125000, "usd");
        run(command("POST", "/admin/credit-notes", jq("{status, credit_note_id, total}")), delivered.invoiceId(), out -> {
            JsonNode note = single(out);
            assertEquals("issued", note.path("status").asText(), note.toString());
            assertEquals(jobCreditNoteId, note.path("credit_note_id").asText());
        });
        String creditForm = java.net.URLDecoder.decode(stripe.requests("POST", "/v1/credit_notes").get(1).getBodyAsString(),
                StandardCharsets.UTF_8);
        assertTrue(creditForm.contains("lines[0][description]=JOB-2026-0077 billed in error"), creditForm);

        // --- Invoice email not delivered: what Mailgun reported, and the suppression list ---
        MailgunEvents mailgun = MailgunEvents.configured();
        String bouncedAddress = delivered.customerEmail().toLowerCase();
        String bouncedMessageId = original.header("Message-ID");
        assertEquals(200, MailgunEvents.post(webhook, mailgun.signed(MailgunEvents.event("failed", "permanent",
                delivered.customerEmail(), MailgunEvents.asMailgunWritesIt(bouncedMessageId)))).statusCode());
        run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE,
                jq(".emails[] | {message_id, recipient, status, provider_status, provider_status_at, provider_reason}")),
                delivered.invoiceId(), out -> {
                    assertTrue(out.size() >= 2, "the original, the resend and the dunning email: " + out);
                    JsonNode bounced = out.stream().filter(e -> bouncedMessageId.equals(e.path("message_id").asText()))
                            .findFirst().orElseThrow(() -> new AssertionError("the bounced email: " + out));
                    assertEquals("sent", bounced.path("status").asText(), bounced.toString());
                    assertEquals("failed_permanent", bounced.path("provider_status").asText(), bounced.toString());
                    assertTrue(bounced.path("provider_reason").asText().startsWith("550"), bounced.toString());
                    assertFalse(bounced.path("provider_status_at").asText().isBlank(), bounced.toString());
                    assertTrue(out.stream().filter(e -> e != bounced).allMatch(e -> e.path("provider_status").isNull()),
                            "no report on the resend yet: " + out);
                });
        run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE, jq(".delivery_events[]")), delivered.invoiceId(),
                out -> {
                    JsonNode report = single(out);
                    assertEquals("failed", report.path("event").asText(), report.toString());
                    assertEquals("permanent", report.path("severity").asText(), report.toString());
                    assertEquals(MailgunEvents.asMailgunWritesIt(bouncedMessageId), report.path("message_id").asText());
                });
        runForEmail(command("GET", "/admin/suppressions/" + EXAMPLE_EMAIL, jq(".")), bouncedAddress, out -> {
            JsonNode entry = single(out);
            assertEquals(bouncedAddress, entry.path("email").asText(), entry.toString());
            assertEquals("mailgun", entry.path("source").asText(), entry.toString());
            assertTrue(entry.path("reason").asText().startsWith("failed_permanent"), entry.toString());
        });
        run(command("GET", "/admin/events?type=email_bounced&limit=20", jq(".items[]")), null, out -> {
            JsonNode bounce = single(out);
            assertEquals(delivered.invoiceId(), bounce.path("invoice_id").asText(), bounce.toString());
            assertTrue(bounce.path("detail").asText().contains(bouncedAddress), bounce.toString());
        });
        runForEmail(command("DELETE", "/admin/suppressions/" + EXAMPLE_EMAIL, jq(".")), bouncedAddress, out -> {
            JsonNode removed = single(out);
            assertTrue(removed.path("removed").asBoolean(), removed.toString());
            assertEquals("mailgun", removed.path("was").path("source").asText(), removed.toString());
        });
        assertEquals(0, db.count("SELECT COUNT(*) FROM email_suppression WHERE email = ?", bouncedAddress));
        assertEquals(1, db.count("SELECT COUNT(*) FROM admin_audit WHERE method = 'DELETE' AND status = 200 "
                + "AND principal_id = ? AND path LIKE '/admin/suppressions/%'", TOKEN_ID), "the removal is audited");
        runForEmail(command("POST", "/admin/suppressions", jq(".")), bouncedAddress, out -> {
            JsonNode entry = single(out);
            assertEquals(bouncedAddress, entry.path("email").asText(), entry.toString());
            assertEquals("operator", entry.path("source").asText(), entry.toString());
            assertEquals(TOKEN_ID, entry.path("created_by").asText(), entry.toString());
            assertEquals("asked for no email (ticket 1234)", entry.path("reason").asText(), entry.toString());
        });
        run(command("GET", "/admin/suppressions?limit=50", jq(".items[]")), null, out ->
                assertEquals(List.of(bouncedAddress), out.stream().map(e -> e.path("email").asText()).toList()));

        List<String> unchecked = runbook.stream().filter(c -> !checked.contains(c)).map(Curl::source).toList();
        assertEquals(List.of(), unchecked, "runbook commands with no step in RunbookIT that checks what they show");
    }

    // --- Lifecycle: the refund, dispute, failed-payment, payment-method and webhook-replay commands ---

    private static final String EXAMPLE_DISPUTE = "du_1THM9xCSGXf35AB6gDkwmE5y";
    private static final String COHORT_CUSTOMER = "cus_Q8x2LmN4pR7sT1";

    private void lifecycleSteps(Db db, WebhookClient webhook, Mailbox mailbox, StripeApiStub stripe,
                                Fixtures.FinalizedInvoice delivered, String sentPdfSha256) throws IOException {
        java.time.Instant now = java.time.Instant.now();
        // Issue a refund: Stripe refunds part of the charge; the worker records it on the invoice.
        String chargeId = Fixtures.stripeId("ch_", 24);
        String refunded = LifecycleEvents.event("charge.refunded", jakarta.json.Json.createObjectBuilder(
                        Fixtures.json("openapi/objects-v1932/charge.json")).add("id", chargeId)
                .add("invoice", delivered.invoiceId()).add("amount", delivered.amountDue()).add("amount_refunded", 500)
                .add("refunded", false).add("currency", "eur").build().toString(), now);
        LifecycleEvents.postAndWork(db, webhook, refunded);
        run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE, jq("{lifecycle, adjustments}")), delivered.invoiceId(),
                out -> {
                    JsonNode refund = single(out).path("adjustments").path(0);
                    assertEquals("refund", refund.path("kind").asText(), out.toString());
                    assertEquals(chargeId, refund.path("id").asText(), out.toString());
                    assertEquals(500, refund.path("amount").asLong(), out.toString());
                });

        // Handle a dispute: the dispute names a payment intent; Stripe's invoice payments name the invoice.
        String paymentIntent = Fixtures.stripeId("pi_", 24);
        String dispute = LifecycleEvents.dispute(EXAMPLE_DISPUTE, Fixtures.stripeId("ch_", 24), paymentIntent,
                "needs_response", now.plus(java.time.Duration.ofDays(7)).getEpochSecond());
        LifecycleEvents.postAndWork(db, webhook, LifecycleEvents.event("charge.dispute.created", dispute, now));
        stripe.stubGet("/v1/disputes/" + EXAMPLE_DISPUTE, dispute);
        stripe.stubList("/v1/invoice_payments", List.of(LifecycleEvents.invoicePayment(delivered.invoiceId(),
                paymentIntent)), 10);
        Set<String> sentMessageIds = new LinkedHashSet<>();
        db.rows("SELECT message_id FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'sent'",
                delivered.invoiceId()).forEach(r -> sentMessageIds.add((String) r.get("message_id")));
        run(command("GET", "/admin/disputes/" + EXAMPLE_DISPUTE + "/evidence", jq("{dispute, invoice_id, pdf, email}")),
                null, out -> {
                    JsonNode answer = single(out);
                    assertEquals(List.of("dispute", "invoice_id", "pdf", "email"), fieldNames(answer));
                    assertEquals(delivered.invoiceId(), answer.path("invoice_id").asText(), answer.toString());
                    assertEquals(sentPdfSha256, answer.path("pdf").path("sha256").asText(), "the PDF as sent");
                    assertTrue(sentMessageIds.contains(answer.path("email").path("message_id").asText()), answer.toString());
                    assertEquals(delivered.customerEmail(), answer.path("email").path("recipient").asText());
                });
        Result zip = execute(command("GET", "/admin/disputes/" + EXAMPLE_DISPUTE + "/evidence?format=zip", null), null);
        assertEquals(200, zip.status(), zip.body());
        Map<String, byte[]> entries = new java.util.HashMap<>();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.bytes()))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        assertTrue(entries.containsKey("summary.json"), entries.keySet().toString());
        assertEquals(List.of(sentPdfSha256), entries.entrySet().stream().filter(e -> e.getKey().endsWith(".pdf"))
                .map(e -> sha256(e.getValue())).toList(), "-o saves a zip with the PDF as sent");

        // Failed payment: an attempt fails; the dossier shows it and the one payment_failed email.
        JsonNode finalizedEvent = JSON.readTree(delivered.eventJson());
        var failedObject = ((com.fasterxml.jackson.databind.node.ObjectNode) finalizedEvent.path("data").path("object")
                .deepCopy()).put("status", "open").put("attempt_count", 1)
                .put("next_payment_attempt", now.getEpochSecond() + 86_400);
        var failedEvent = ((com.fasterxml.jackson.databind.node.ObjectNode) finalizedEvent.deepCopy())
                .put("id", Fixtures.stripeId("evt_", 24)).put("type", "invoice.payment_failed");
        failedEvent.putObject("data").set("object", failedObject);
        LifecycleEvents.postAndWork(db, webhook, failedEvent.toString());
        run(command("GET", "/admin/invoices/" + EXAMPLE_INVOICE, jq("{lifecycle, lifecycle_history, emails}")),
                delivered.invoiceId(), out -> {
                    JsonNode story = single(out);
                    assertEquals(1, story.path("lifecycle").path("attempt_count").asInt(), story.toString());
                    assertTrue(StreamSupport.stream(story.path("emails").spliterator(), false)
                            .anyMatch(e -> "payment_failed".equals(e.path("template").asText())), story.toString());
                });

        // Update a customer's payment method: the cohort step moved acct_8Hq2Lm4Xr7Tz to Stripe billing.
        String cohortEmail = uniqueEmail("runbook-card");
        stripe.stubCustomer(LifecycleEvents.customer(COHORT_CUSTOMER, cohortEmail));
        stripe.stubPost("/v1/billing_portal/sessions", "{\"id\":\"bps_runbook\",\"object\":\"billing_portal.session\","
                + "\"url\":\"https://billing.stripe.com/p/session/test_runbook\"}");
        run(command("POST", "/admin/payment-method-link", jq("{url, kind, email}")), null, out -> {
            JsonNode link = single(out);
            assertEquals("https://billing.stripe.com/p/session/test_runbook", link.path("url").asText(), link.toString());
            assertEquals("portal", link.path("kind").asText());
            assertEquals("sent", link.path("email").path("outcome").asText(), link.toString());
        });
        assertTrue(mailbox.waitFor(cohortEmail, 1).get(0).text().contains("https://billing.stripe.com/p/session/test_runbook"));

        // Stripe webhook not delivered: replay stores the one event Stripe has that the worker never got.
        String missed = LifecycleEvents.event("customer.updated", LifecycleEvents.customer(COHORT_CUSTOMER, cohortEmail), now);
        stripe.stubList("/v1/events", List.of(missed, delivered.eventJson()), 100);
        run(command("POST", "/admin/events/replay", jq(".")), null, out -> {
            JsonNode result = single(out);
            assertEquals(2, result.path("listed").asInt(), result.toString());
            assertEquals(1, result.path("already_known").asInt(), result.toString());
            assertEquals(1, result.path("newly_stored").asInt(), result.toString());
            assertEquals(LifecycleEvents.eventId(missed), result.path("new_event_ids").path(0).asText());
        });
        awaitWorkState(db, LifecycleEvents.eventId(missed), "done");
    }

    // --- Finding and running the runbook's commands ---

    /** The runbook's command for this method and path (with its example ids), whose jq filter matches. */
    private Curl command(String method, String pathAndQuery, Predicate<String> filter) {
        List<Curl> matches = runbook.stream()
                .filter(c -> c.method().equals(method) && c.pathAndQuery().equals(pathAndQuery))
                .filter(c -> filter == null ? c.jqFilter() == null : c.jqFilter() != null && filter.test(c.jqFilter()))
                .toList();
        if (matches.isEmpty()) {
            fail("docs/runbook.md has no `curl -X " + method + " $BILLING_URL" + pathAndQuery + "` with that jq filter;"
                    + " commands found:\n" + String.join("\n", runbook.stream().map(Curl::source).toList()));
        }
        return matches.get(0);
    }

    private static Predicate<String> jq(String exact) {
        return filter -> filter.equals(exact);
    }

    private static Predicate<String> jqEndsWith(String tail) {
        return filter -> filter.endsWith(tail);
    }

    /** Runs every runbook copy of this command once, checks each, and returns the first one's jq output. */
    private List<JsonNode> run(Curl command, String invoiceId, Consumer<List<JsonNode>> check) {
        List<JsonNode> first = null;
        for (Curl copy : runbook.stream().filter(command::equals).toList()) {
            Result result = execute(copy, invoiceId);
            assertTrue(result.status() / 100 == 2, copy.source() + "\n→ " + result.status() + " " + result.body());
            try {
                check.accept(result.output());
            } catch (AssertionError e) {
                throw new AssertionError("runbook command does not show what the runbook says:\n" + copy.source()
                        + "\nprinted: " + result.output() + "\n" + e.getMessage(), e);
            }
            if (first == null) {
                first = result.output();
            }
        }
        return first;
    }

    /** As {@link #run}, with the runbook's example address ({@value #EXAMPLE_EMAIL}) replaced by a real one. */
    private void runForEmail(Curl command, String email, Consumer<List<JsonNode>> check) {
        checked.add(command);
        for (Curl copy : runbook.stream().filter(command::equals).toList()) {
            Curl real = new Curl(copy.source(), copy.method(), copy.url().replace(EXAMPLE_EMAIL, email), copy.headers(),
                    copy.data() == null ? null : copy.data().replace(EXAMPLE_EMAIL, email), copy.savesToFile(),
                    copy.jqFilter(), copy.expected());
            Result result = execute(real, null);
            assertTrue(result.status() / 100 == 2, copy.source() + "\n→ " + result.status() + " " + result.body());
            try {
                check.accept(result.output());
            } catch (AssertionError e) {
                throw new AssertionError("runbook command does not show what the runbook says:\n" + copy.source()
                        + "\nprinted: " + result.output() + "\n" + e.getMessage(), e);
            }
        }
    }

    /** As {@link #run}, repeated until the check holds: for readings the worker caches for a few seconds. */
    private void eventually(Curl command, String invoiceId, Consumer<List<JsonNode>> check) {
        AssertionError[] last = new AssertionError[1];
        try {
            Await.until(SETTLE, () -> {
                try {
                    run(command, invoiceId, check);
                    return true;
                } catch (AssertionError e) {
                    last[0] = e;
                    return false;
                }
            }, command.source());
        } catch (AssertionError timedOut) {
            throw last[0] != null ? last[0] : timedOut;
        }
    }

    private JsonNode readiness(Curl readinessData) {
        return single(execute(readinessData, null).output());
    }

    private Result execute(Curl command, String invoiceId) {
        return execute(command, invoiceId, null);
    }

    private Result execute(Curl command, String invoiceId, Long workItemId) {
        checked.add(command);
        String url = command.url().replace("$BILLING_URL", BillingServer.baseUrl());
        String body = command.data();
        if (invoiceId != null) {
            url = url.replace(EXAMPLE_INVOICE, invoiceId);
            body = body == null ? null : body.replace(EXAMPLE_INVOICE, invoiceId);
        }
        if (workItemId != null) {
            url = EXAMPLE_WORK_ITEM.matcher(url).replaceAll("/admin/work/" + workItemId + "/");
        }
        String currentPeriod = java.time.YearMonth.now(ZoneOffset.UTC).toString();
        url = url.replace("period=" + EXAMPLE_PERIOD, "period=" + currentPeriod);
        body = body == null ? null : body.replace("\"period\": \"" + EXAMPLE_PERIOD + "\"", "\"period\": \"" + currentPeriod + "\"");
        assertFalse(url.contains(EXAMPLE_INVOICE) || EXAMPLE_WORK_ITEM.matcher(url).find(),
                "a step must say which real id replaces the runbook's example: " + command.source());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120));
        for (String header : command.headers()) {
            String value = header.replace("${SERVICE_TOKEN_ID}", TOKEN_ID).replace("${SERVICE_TOKEN_SECRET}", TOKEN_SECRET);
            int colon = value.indexOf(':');
            request.header(value.substring(0, colon).trim(), value.substring(colon + 1).trim());
        }
        request.method(command.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(command.source() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        List<JsonNode> output = null;
        if (command.jqFilter() != null && response.statusCode() / 100 == 2) {
            output = jq(command, text);
        }
        return new Result(response.statusCode(), text, response.body(), output);
    }

    /** What {@code curl … | jq FILTER} prints: each output value of the filter. */
    private static List<JsonNode> jq(Curl command, String body) {
        try {
            JsonNode input = JSON.readTree(body);
            List<JsonNode> out = new ArrayList<>();
            JsonQuery.compile(command.jqFilter(), Versions.JQ_1_6).apply(Scope.newChildScope(JQ), input, out::add);
            return out;
        } catch (JsonQueryException e) {
            throw new AssertionError("jq fails on the answer, as it would for the operator: " + e.getMessage()
                    + "\n" + command.source() + "\n" + body, e);
        } catch (IOException e) {
            throw new AssertionError("the answer is not JSON, so jq fails: " + command.source() + "\n" + body, e);
        }
    }

    private static Scope jqScope() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }

    private record Result(int status, String body, byte[] bytes, List<JsonNode> output) {
    }

    // --- Checks ---

    /** The filter printed exactly one value (a second value, even null, would confuse the operator). */
    private static JsonNode single(List<JsonNode> output) {
        assertEquals(1, output.size(), "jq prints one value, not: " + output);
        return output.get(0);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * An "Expected:" line such as {@code {"status":"clean","accounts_checked":N,"drift_count":0}}:
     * every field it names is in the answer (which may say more), literal values equal, a
     * capital-letter placeholder any whole number.
     */
    private static void assertMatchesExpected(String expected, JsonNode actual) {
        JsonNode pattern;
        try {
            pattern = JSON.readTree(expected.replaceAll(":\\s*([A-Z])\\b", ":\"<$1>\""));
        } catch (IOException e) {
            throw new AssertionError("the runbook's Expected: line is not JSON with placeholders: " + expected, e);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = actual.get(field.getKey());
            assertTrue(value != null, "the runbook expects " + field.getKey() + ": " + actual);
            if (field.getValue().isTextual() && field.getValue().asText().matches("<[A-Z]>")) {
                assertTrue(value.isIntegralNumber() && value.asLong() >= 0, field.getKey() + " is a count: " + actual);
            } else {
                assertEquals(field.getValue(), value, field.getKey() + " as the runbook expects: " + expected);
            }
        }
    }

    // --- Reading the runbook ---

    /** One curl command from a bash block of the runbook, and the "# Expected:" line after it, if any. */
    record Curl(String source, String method, String url, List<String> headers, String data, boolean savesToFile,
                String jqFilter, String expected) {

        private static final Pattern EXPECTED = Pattern.compile("^#\\s*Expected:\\s*(.+)$");

        /** The part after {@code $BILLING_URL}: path and query, example ids as written. */
        String pathAndQuery() {
            return url.substring(url.indexOf("$BILLING_URL") + "$BILLING_URL".length());
        }

        Curl withExpected(String line) {
            return new Curl(source, method, url, headers, data, savesToFile, jqFilter, line);
        }

        static List<Curl> allIn(String markdown) {
            List<Curl> commands = new ArrayList<>();
            boolean inBash = false;
            StringBuilder pending = new StringBuilder();
            for (String line : markdown.split("\n")) {
                if (line.startsWith("```")) {
                    inBash = line.equals("```bash");
                    continue;
                }
                if (!inBash) {
                    continue;
                }
                if (line.startsWith("#")) {
                    Matcher expected = EXPECTED.matcher(line.trim());
                    if (expected.matches() && !commands.isEmpty()) {
                        commands.set(commands.size() - 1, commands.get(commands.size() - 1)
                                .withExpected(expected.group(1).trim()));
                    }
                    continue;
                }
                pending.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
                if (!line.endsWith("\\")) {
                    String command = pending.toString().trim();
                    pending.setLength(0);
                    if (command.startsWith("curl ") && command.contains("$BILLING_URL")) {
                        commands.add(parse(command));
                    }
                }
            }
            return commands;
        }

        private static Curl parse(String command) {
            String jq = null;
            String curlPart = command;
            int pipe = command.indexOf("| jq ");
            if (pipe > 0) {
                curlPart = command.substring(0, pipe);
                jq = unquote(command.substring(pipe + 5).trim());
            } else if (command.contains("|")) {
                throw new AssertionError("RunbookIT reads only `curl … | jq FILTER`: " + command);
            }
            List<String> words = shellWords(curlPart);
            String method = "GET";
            String url = null;
            String data = null;
            boolean savesToFile = false;
            List<String> headers = new ArrayList<>();
            for (int i = 1; i < words.size(); i++) {
                String word = words.get(i);
                switch (word) {
                    case "-s" -> { }
                    case "-X" -> method = words.get(++i);
                    case "-H" -> headers.add(words.get(++i));
                    case "-d" -> data = words.get(++i);
                    case "-o" -> {
                        savesToFile = true;
                        i++;
                    }
                    default -> {
                        if (word.startsWith("-") || url != null) {
                            throw new AssertionError("RunbookIT does not know curl's " + word + " in: " + command);
                        }
                        url = word;
                    }
                }
            }
            if (data != null && "GET".equals(method)) {
                method = "POST";
            }
            if (jq == null && !savesToFile) {
                throw new AssertionError("a runbook command neither saves its answer nor shows it with jq: " + command);
            }
            return new Curl(command, method, url, List.copyOf(headers), data, savesToFile, jq, null);
        }

        private static String unquote(String filter) {
            return filter.startsWith("'") && filter.endsWith("'") ? filter.substring(1, filter.length() - 1) : filter;
        }

        /** Splits like a POSIX shell for '…' and "…" quoting; variables stay literal for substitution. */
        private static List<String> shellWords(String text) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            char quote = 0;
            boolean inWord = false;
            for (char c : text.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }
    }
}
