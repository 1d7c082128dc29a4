package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StandaloneWorker;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.MailgunEvents.asMailgunWritesIt;
import static com.adventive.billing.it.MailgunEvents.event;
import static com.adventive.billing.it.MailgunEvents.post;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mailgun's event webhooks against the real worker: a signed event becomes the email's provider
 * status in the dossier; a wrong key, a stale timestamp or a replayed token is refused with nothing
 * stored; a permanent bounce puts the recipient on the suppression list so the next invoice email to
 * it is not sent, and an operator's removal (audited) lets the one after that go out again.
 */
@BillingIT
class MailgunDeliveryStatusIT {

    private final AdminClient admin = new AdminClient();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private MailgunEvents mailgun;

    @BeforeEach
    void configure() {
        admin.register();
        mailgun = MailgunEvents.configured();
    }

    @AfterEach
    void unconfigure() {
        admin.unregister();
        BillingServer.removeSecret("MAILGUN_WEBHOOK_SIGNING_KEY");
    }

    private static Fixtures.FinalizedInvoice emailed(Db db, WebhookClient webhook, Mailbox mailbox, StripeApiStub stripe,
                                                     String email, int expectedInMailbox) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(expectedInMailbox, mailbox.waitFor(email, expectedInMailbox).size());
        return invoice;
    }

    private static String messageIdOf(Db db, String invoiceId) {
        List<Map<String, Object>> rows = db.rows("SELECT message_id FROM email_delivery WHERE stripe_invoice_id = ?",
                invoiceId);
        assertEquals(1, rows.size(), rows.toString());
        return (String) rows.get(0).get("message_id");
    }

    private static String deliveredEventId(Db db, String invoiceId) {
        return (String) db.rows("SELECT provider_event_id FROM email_provider_event WHERE stripe_invoice_id = ? "
                + "AND event_type = 'delivered'", invoiceId).get(0).get("provider_event_id");
    }

    private static long suppressed(Db db, String email) {
        return db.count("SELECT COUNT(*) FROM email_suppression WHERE email = ?", email.toLowerCase());
    }

    private JsonObject dossier(String invoiceId) {
        HttpResponse<String> answer = admin.get("/admin/invoices/" + invoiceId);
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer);
    }

    private static long stored(Db db) {
        return db.count("SELECT COUNT(*) FROM email_provider_event") + db.count("SELECT COUNT(*) FROM mailgun_webhook_token");
    }

    @Test
    void aSignedDeliveredEventIsTheEmailsProviderStatusInTheDossier(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                   StripeApiStub stripe) {
        String email = uniqueEmail("mg-delivered");
        var invoice = emailed(db, webhook, mailbox, stripe, email, 1);
        String messageId = messageIdOf(db, invoice.invoiceId());
        assertEquals(messageId, mailbox.messagesTo(email).get(0).header("Message-ID"), "the Message-ID SMTP carried");

        Instant deliveredAt = Instant.now().minusSeconds(30);
        HttpResponse<String> answer = post(webhook, mailgun.signed(
                event("delivered", null, email, asMailgunWritesIt(messageId)).at(deliveredAt)));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("recorded", json(answer).getString("disposition"));

        JsonObject dossier = dossier(invoice.invoiceId());
        JsonObject sent = dossier.getJsonArray("emails").getJsonObject(0);
        assertEquals("sent", sent.getString("status"), "what the worker did is unchanged");
        assertEquals("delivered", sent.getString("provider_status"));
        assertEquals(deliveredAt.getEpochSecond(), Instant.parse(sent.getString("provider_status_at")).getEpochSecond(),
                "the event's own time, not when it arrived");
        assertEquals(1, dossier.getJsonArray("delivery_events").size(), dossier.toString());
        JsonObject history = dossier.getJsonArray("delivery_events").getJsonObject(0);
        assertEquals("mailgun", history.getString("provider"));
        assertEquals("delivered", history.getString("event"));
        assertEquals(email.toLowerCase(), history.getString("recipient"));

        // An older temporary failure arriving late does not take the place of the delivery.
        assertEquals(200, post(webhook, mailgun.signed(event("failed", "temporary", email, asMailgunWritesIt(messageId))
                .at(deliveredAt.minusSeconds(600)))).statusCode());
        JsonObject after = dossier(invoice.invoiceId());
        assertEquals("delivered", after.getJsonArray("emails").getJsonObject(0).getString("provider_status"));
        assertEquals(2, after.getJsonArray("delivery_events").size());
        assertEquals("failed_temporary", after.getJsonArray("delivery_events").getJsonObject(0).getString("status"),
                "history in the order the events happened");
        assertEquals(0, suppressed(db, email), "a temporary failure suppresses nobody");

        // Mailgun sending the delivery event again (a new token, the same event id) adds nothing.
        var again = new MailgunEvents.Event("delivered", null, email, asMailgunWritesIt(messageId), deliveredAt, null,
                deliveredEventId(db, invoice.invoiceId()));
        assertEquals(200, post(webhook, mailgun.signed(again)).statusCode());
        assertEquals(2, dossier(invoice.invoiceId()).getJsonArray("delivery_events").size(), "kept once");
    }

    @Test
    void aWrongKeyAStaleTimestampOrAReplayedTokenIsRefusedAndNothingIsStored(Db db, WebhookClient webhook,
                                                                           Mailbox mailbox, StripeApiStub stripe) {
        String email = uniqueEmail("mg-refused");
        var invoice = emailed(db, webhook, mailbox, stripe, email, 1);
        var bounce = event("failed", "permanent", email, asMailgunWritesIt(messageIdOf(db, invoice.invoiceId())));
        long before = stored(db);

        HttpResponse<String> wrongKey = post(webhook, MailgunEvents.body(bounce, Instant.now(),
                MailgunEvents.newToken(), "key-not-ours"));
        assertProblem(wrongKey, 400, "signature_invalid");
        HttpResponse<String> stale = post(webhook, mailgun.body(bounce, Instant.now().minus(Duration.ofHours(9)),
                MailgunEvents.newToken()));
        assertProblem(stale, 406, "signature_stale");
        Instant now = Instant.now();
        String token = MailgunEvents.newToken();
        String signature = MailgunEvents.hmacHex(mailgun.signingKey(), now.getEpochSecond() + token);
        String tampered = mailgun.body(bounce, now, token)
                .replace(signature, (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1));
        assertProblem(post(webhook, tampered), 400, "signature_invalid");
        assertEquals(before, stored(db), "nothing of a refused request is kept");
        assertEquals(0, suppressed(db, email));
        assertEquals(null, db.rows("SELECT provider_status FROM email_delivery WHERE stripe_invoice_id = ?",
                invoice.invoiceId()).get(0).get("provider_status"));

        String once = mailgun.signed(event("delivered", null, email, bounce.messageId()));
        assertEquals(200, post(webhook, once).statusCode());
        long afterFirst = stored(db);
        HttpResponse<String> replayed = post(webhook, once);
        assertProblem(replayed, 406, "token_replayed");
        // The same token under a different (validly signed) event: still a replay, since Mailgun signs only the token.
        String sameTokenOtherEvent = once.replace("\"event\":\"delivered\"", "\"event\":\"complained\"");
        assertProblem(post(webhook, sameTokenOtherEvent), 406, "token_replayed");
        assertEquals(afterFirst, stored(db), "a replay stores nothing");

        // The same signed request four times at once: exactly one is taken.
        String racing = mailgun.signed(event("delivered", null, email, bounce.messageId()));
        List<CompletableFuture<HttpResponse<String>>> copies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            copies.add(http.sendAsync(HttpRequest.newBuilder(URI.create(BillingServer.url(MailgunEvents.PATH)))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(racing)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = copies.stream().map(c -> c.join().statusCode()).sorted().toList();
        assertEquals(List.of(200, 406, 406, 406), statuses, copies.stream().map(c -> c.join().body()).toList().toString());
        assertEquals(afterFirst + 2, stored(db), "one token and one event more");
        assertEquals(0, suppressed(db, email), "the replayed complaint suppresses nobody");
    }

    @Test
    void requestsThatCannotBeMailgunsAreRefusedAsProblems(Db db, WebhookClient webhook) {
        long before = stored(db);
        assertProblem(post(webhook, "not json"), 400, "body_invalid");
        assertProblem(post(webhook, "{\"event-data\":{\"event\":\"delivered\"}}"), 400, "signature_missing");
        String badRecipient = mailgun.signed(event("failed", "permanent", "not an address", "x@y"));
        assertProblem(post(webhook, badRecipient), 400, "event_invalid");
        byte[] huge = ("{\"signature\":{},\"pad\":\"" + "x".repeat(300 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> tooLarge = webhook.postRaw(MailgunEvents.PATH, huge, Map.of("Content-Type", "application/json"));
        assertProblem(tooLarge, 413, "body_too_large");
        HttpResponse<String> opened = post(webhook, mailgun.signed(event("opened", null, "a@example.com", "m@x")));
        assertEquals(200, opened.statusCode(), opened.body());
        assertEquals("ignored", json(opened).getString("disposition"));
        assertEquals(before + 1, stored(db), "only the ignored event's token is kept (so it cannot be replayed)");

        BillingServer.removeSecret("MAILGUN_WEBHOOK_SIGNING_KEY");
        assertProblem(post(webhook, mailgun.signed(event("delivered", null, "a@example.com", "m@x"))), 503,
                "mailgun_signing_key_missing");
    }

    @Test
    void theSampleScriptSendsASignedEventTheWorkerTakes(Db db, WebhookClient webhook, Mailbox mailbox,
                                                        StripeApiStub stripe) throws Exception {
        String email = uniqueEmail("mg-script");
        var invoice = emailed(db, webhook, mailbox, stripe, email, 1);
        String messageId = messageIdOf(db, invoice.invoiceId());
        ProcessBuilder script = new ProcessBuilder("bash", "scripts/send-mailgun-event.sh", "failed-temporary", email,
                messageId).directory(StandaloneWorker.projectDir().toFile()).redirectErrorStream(true);
        Map<String, String> env = script.environment();
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.keySet().retainAll(List.of("HOME", "USER", "LANG", "TMPDIR"));
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + path);
        env.put("SECRETS_DIR", BillingServer.secretsDir().toString());
        env.put("HTTP_PORT", Integer.toString(BillingServer.httpPort()));
        Process process = script.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("HTTP 200 ") && output.contains("\"recorded\""), output);
        assertEquals("failed_temporary", dossier(invoice.invoiceId()).getJsonArray("emails").getJsonObject(0)
                .getString("provider_status"));
    }

    @Test
    void aPermanentBounceSuppressesTheNextEmailUntilAnOperatorRemovesIt(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                       StripeApiStub stripe) throws Exception {
        String email = uniqueEmail("mg-bounce");
        var first = emailed(db, webhook, mailbox, stripe, email, 1);
        String messageId = messageIdOf(db, first.invoiceId());

        HttpResponse<String> bounced = post(webhook, mailgun.signed(event("failed", "permanent", email.toUpperCase(),
                asMailgunWritesIt(messageId))));
        assertEquals(200, bounced.statusCode(), bounced.body());
        JsonObject firstEmail = dossier(first.invoiceId()).getJsonArray("emails").getJsonObject(0);
        assertEquals("failed_permanent", firstEmail.getString("provider_status"));
        assertTrue(firstEmail.getString("provider_reason").startsWith("550 5.1.1"), firstEmail.toString());
        assertEquals(1, operationalEvents(db, "email_bounced", first.invoiceId()));
        assertEquals(1, operationalEvents(db, "recipient_suppressed", first.invoiceId()));

        HttpResponse<String> entry = admin.get("/admin/suppressions/" + email);
        assertEquals(200, entry.statusCode(), entry.body());
        assertEquals(email.toLowerCase(), json(entry).getString("email"));
        assertEquals("mailgun", json(entry).getString("source"));
        assertTrue(json(entry).getString("reason").startsWith("failed_permanent: 550"), entry.body());
        assertTrue(json(admin.get("/admin/suppressions?limit=500")).getJsonArray("items").stream()
                .anyMatch(i -> i.asJsonObject().getString("email").equals(email.toLowerCase())));

        // The next invoice to that recipient: rendered and stored, not emailed.
        var second = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripe.stubInvoice(second, 100);
        assertEquals(200, webhook.postSigned(second.eventJson()).statusCode());
        awaitWorkState(db, second.eventId(), "done");
        assertEquals(1, operationalEvents(db, "email_suppressed", second.invoiceId()));
        assertEquals(1, mailbox.countTo(email), "GreenMail received nothing more");
        assertTrue(dossier(second.invoiceId()).getJsonArray("operational_events").stream()
                .anyMatch(e -> "email_suppressed".equals(e.asJsonObject().getString("type"))), "visible in the dossier");

        // Only an operator may take it off: without credentials the call is refused (and audited) and nothing changes.
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(BillingServer.url(
                "/admin/suppressions/" + email))).DELETE().timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(1, suppressed(db, email));
        assertEquals(1, db.count("SELECT COUNT(*) FROM admin_audit WHERE method = 'DELETE' AND outcome = 'refused' "
                + "AND status = 401 AND path LIKE '/admin/suppressions/%'"));

        // The customer fixed their mailbox: an operator takes the address off the list.
        HttpResponse<String> removed = delete("/admin/suppressions/" + URLEncoder.encode(email, StandardCharsets.UTF_8));
        assertEquals(200, removed.statusCode(), removed.body());
        assertTrue(json(removed).getBoolean("removed"));
        assertEquals("mailgun", json(removed).getJsonObject("was").getString("source"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM admin_audit WHERE method = 'DELETE' AND path LIKE ? "
                + "AND status = 200 AND outcome = 'allowed' AND principal_id = ? AND target = ?",
                "/admin/suppressions/%", admin.clientId(), email), "the removal is audited with who did it and for whom");
        List<Map<String, Object>> removal = db.rows("SELECT detail FROM operational_event WHERE event_type = "
                + "'suppression_removed' AND detail LIKE ?", email.toLowerCase() + "%");
        assertEquals(1, removal.size());
        assertTrue(((String) removal.get(0).get("detail")).contains(admin.clientId()), removal.toString());
        assertEquals(404, admin.get("/admin/suppressions/" + email).statusCode());
        assertProblem(delete("/admin/suppressions/" + email), 404, "not_suppressed");

        var third = emailed(db, webhook, mailbox, stripe, email, 2);
        assertEquals(0, operationalEvents(db, "email_suppressed", third.invoiceId()), "sent again");
    }

    @Test
    void aComplaintSuppressesAnUnsubscribeIsOnlyRecordedAndOperatorsCanAddByHand(Db db, WebhookClient webhook,
                                                                                Mailbox mailbox, StripeApiStub stripe) {
        String complainer = uniqueEmail("mg-complaint");
        var invoice = emailed(db, webhook, mailbox, stripe, complainer, 1);
        String messageId = asMailgunWritesIt(messageIdOf(db, invoice.invoiceId()));
        assertEquals(200, post(webhook, mailgun.signed(event("unsubscribed", null, complainer, messageId))).statusCode());
        assertEquals(0, suppressed(db, complainer), "invoices are not marketing");
        assertEquals(200, post(webhook, mailgun.signed(event("complained", null, complainer, messageId))).statusCode());
        assertEquals("complained", dossier(invoice.invoiceId()).getJsonArray("emails").getJsonObject(0)
                .getString("provider_status"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_suppression WHERE email = ? AND source = 'mailgun'",
                complainer.toLowerCase()));

        // A bounce of a message the worker did not send still marks the address, unmatched.
        String stranger = uniqueEmail("mg-stranger");
        assertEquals(200, post(webhook, mailgun.signed(event("failed", "permanent", stranger,
                "20260203192638.000be97f99f8cea1@other.example.com"))).statusCode());
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_provider_event WHERE recipient = ? "
                + "AND email_delivery_id IS NULL", stranger.toLowerCase()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_suppression WHERE email = ?", stranger.toLowerCase()));

        String byHand = uniqueEmail("mg-byhand");
        HttpResponse<String> added = admin.post("/admin/suppressions",
                "{\"email\":\"" + byHand + "\",\"reason\":\"customer asked by phone\"}");
        assertEquals(201, added.statusCode(), added.body());
        assertEquals("operator", json(added).getString("source"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM admin_audit WHERE method = 'POST' AND path = '/admin/suppressions' "
                + "AND status = 201 AND target = ?", byHand), "the addition is audited with the address it names");
        assertEquals(admin.clientId(), json(added).getString("created_by"));
        assertEquals(200, admin.post("/admin/suppressions", "{\"email\":\"" + byHand + "\"}").statusCode(),
                "already there");
        assertProblem(admin.post("/admin/suppressions", "{\"email\":\"two@example.com, three@example.com\"}"), 400,
                "invalid_email");
        assertProblem(admin.post("/admin/suppressions", "[]"), 400, "invalid_body");
        assertProblem(admin.get("/admin/suppressions/not-an-address"), 400, "invalid_email");
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(BillingServer.url(path))).DELETE()
                .header("CF-Access-Client-Id", admin.clientId())
                .header("CF-Access-Client-Secret", admin.secret())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String code) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                answer.headers().toString());
        assertEquals(code, json(answer).getString("code"), answer.body());
        assertFalse(json(answer).getString("detail", "").isBlank());
    }
}
