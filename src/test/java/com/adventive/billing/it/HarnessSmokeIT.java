package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.SmtpControl;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.TestComponents;
import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.net.Webhook;
import com.stripe.param.InvoiceLineItemListParams;
import com.stripe.param.InvoiceRetrieveParams;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import jakarta.activation.DataHandler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the harness itself, without the Liberty server: each component answers on loopback,
 * survives the stop/start that failure tests rely on, and the Stripe stand-in and signer agree
 * with what stripe-java really sends and verifies.
 */
@ExtendWith(TestComponents.class)
@Tag("integration")
class HarnessSmokeIT {

    @Test
    void postgresAnswers(Db db) {
        assertEquals(1, db.count("select 1"));
        assertEquals(Db.DATABASE, db.rows("select current_database() as name").get(0).get("name"));
        db.execute("create table harness_probe (id int primary key, label text)");
        db.execute("insert into harness_probe values (?, ?)", 7, "seven");
        assertEquals(List.of(Map.of("id", 7, "label", "seven")), db.rows("select id, label from harness_probe where id = ?", 7));
        db.execute("drop table harness_probe");
    }

    @Test
    void postgresComesBackAfterAStopWithItsDataOnTheSamePort(Db db) {
        int port = db.port();
        db.execute("create table harness_restart_probe (id int primary key)");
        try {
            db.execute("insert into harness_restart_probe values (42)");
            db.stop();
            assertFalse(db.isRunning());
            assertThrows(IllegalStateException.class, () -> db.count("select 1"), "refused while down");
            db.start();
            assertEquals(port, db.port());
            assertEquals(42, db.count("select id from harness_restart_probe"));
        } finally {
            db.start();
            db.execute("drop table harness_restart_probe");
        }
    }

    @Test
    void smtpDeliversAndKeepsMessagesAcrossRestart(Mailbox mailbox, SmtpControl smtp) throws Exception {
        String to = "smoke-" + System.nanoTime() + "@customer.example";
        byte[] pdf = "%PDF-1.7 harness".getBytes(StandardCharsets.US_ASCII);

        send(smtp.port(), to, "Invoice 0001", pdf);
        List<ReceivedMail> received = mailbox.waitFor(to, 1);
        assertEquals(1, received.size());
        ReceivedMail mail = received.get(0);
        assertEquals("Invoice 0001", mail.subject());
        assertTrue(mail.html().contains("<b>Thanks</b>"), mail.html());
        assertEquals("Thanks", mail.text().trim());
        assertEquals(1, mail.attachments().size());
        assertEquals("invoice.pdf", mail.attachments().get(0).fileName());
        assertEquals("application/pdf", mail.attachments().get(0).contentType());
        assertArrayEquals(pdf, mail.attachments().get(0).bytes());

        smtp.stop();
        assertThrows(MessagingException.class, () -> send(smtp.port(), to, "while down", pdf));
        smtp.start();
        send(smtp.port(), to, "Invoice 0002", pdf);

        List<String> subjects = mailbox.waitFor(to, 2).stream().map(ReceivedMail::subject).toList();
        assertEquals(List.of("Invoice 0001", "Invoice 0002"), subjects);
    }

    @Test
    void bucketRoundTripsAndSurvivesRestart(Bucket bucket) {
        String key = "acct_smoke/" + System.nanoTime() + ".pdf";
        byte[] content = "%PDF-1.7 stored".getBytes(StandardCharsets.US_ASCII);
        bucket.put(key, content, "application/pdf", Map.of("sha256", "abc"));

        assertArrayEquals(content, bucket.get(key).orElseThrow());
        assertTrue(bucket.keys().contains(key));
        assertEquals("application/pdf", bucket.head(key).orElseThrow().contentType());
        assertEquals("abc", bucket.head(key).orElseThrow().metadata().get("sha256"));
        assertTrue(bucket.get("acct_smoke/missing.pdf").isEmpty());

        bucket.stop();
        assertThrows(SdkClientException.class, () -> bucket.get(key));
        bucket.start();

        assertArrayEquals(content, bucket.get(key).orElseThrow(), "objects survive a bucket restart");
        bucket.delete(key);
        assertFalse(bucket.keys().contains(key));
    }

    @Test
    void stripeStubAnswersWhatStripeJavaAsks(StripeApiStub stripe) throws Exception {
        stripe.reset();
        Fixtures.FinalizedInvoice invoice = Fixtures.invoiceFinalized().lines(25).build();
        stripe.stubInvoice(invoice, 7);
        stripe.stubPrice(Fixtures.price(invoice.priceId(), "usd", 1500));
        StripeClient client = StripeClient.builder()
                .setApiKey("sk_test_harness")
                .setApiBase(stripe.baseUrl())
                .setMaxNetworkRetries(0)
                .build();

        Invoice fetched = client.v1().invoices().retrieve(invoice.invoiceId(),
                InvoiceRetrieveParams.builder().addExpand("customer").build());
        assertEquals(invoice.invoiceId(), fetched.getId());
        assertEquals(invoice.amountDue(), fetched.getAmountDue());
        assertTrue(fetched.getLines().getHasMore());
        assertEquals(10, fetched.getLines().getData().size());

        List<InvoiceLineItem> all = new ArrayList<>();
        client.v1().invoices().lineItems()
                .list(invoice.invoiceId(), InvoiceLineItemListParams.builder().setLimit(100L).build())
                .autoPagingIterable().forEach(all::add);
        assertEquals(25, all.size());
        assertEquals(invoice.lineJsons().stream().map(l -> Fixtures.parse(l).getString("id")).toList(),
                all.stream().map(InvoiceLineItem::getId).toList());
        assertEquals(invoice.priceId(), all.get(0).getPricing().getPriceDetails().getPrice());
        // 25 lines in pages of at most 7: 7 + 7 + 7 + 4.
        assertEquals(4, stripe.requestsTo("/v1/invoices/" + invoice.invoiceId() + "/lines"));
        assertTrue(stripe.requests("/v1/invoices/" + invoice.invoiceId() + "/lines").get(1).getUrl().contains("starting_after="));

        assertEquals(invoice.customerId(), client.v1().customers().retrieve(invoice.customerId()).getId());
        assertEquals(invoice.priceId(), client.v1().prices().retrieve(invoice.priceId()).getId());
        assertEquals(StripeApiStub.ACCOUNT_ID, client.v1().accounts().retrieveCurrent().getId());

        InvalidRequestException missing = assertThrows(InvalidRequestException.class,
                () -> client.v1().invoices().retrieve("in_doesnotexist"));
        assertEquals(404, missing.getStatusCode());
        assertEquals("resource_missing", missing.getCode());

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stripe.baseUrl() + "/v1/account")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());

        stripe.failRequests("/v1/invoices", 500);
        assertEquals(500, assertThrows(com.stripe.exception.ApiException.class,
                () -> client.v1().invoices().retrieve(invoice.invoiceId())).getStatusCode());
        stripe.reset();
        assertEquals(StripeApiStub.ACCOUNT_ID, client.v1().accounts().retrieveCurrent().getId(), "reset keeps /v1/account");
    }

    @Test
    void signerOutputVerifiesWithStripeJava() throws Exception {
        Fixtures.FinalizedInvoice invoice = Fixtures.invoiceFinalized()
                .acctId("acct_smoke_1").customerEmail("ap@initech.example").lines(3).build();
        StripeSigner current = new StripeSigner("whsec_harness_current");
        StripeSigner previous = new StripeSigner("whsec_harness_previous");
        String header = current.header(invoice.eventBytes());

        assertTrue(Webhook.Signature.verifyHeader(invoice.eventJson(), header, "whsec_harness_current", Webhook.DEFAULT_TOLERANCE));
        Event event = Webhook.constructEvent(invoice.eventJson(), header, "whsec_harness_current");
        assertEquals("invoice.finalized", event.getType());
        assertEquals(invoice.eventId(), event.getId());
        Invoice object = (Invoice) event.getDataObjectDeserializer().getObject().orElseThrow();
        assertEquals(invoice.invoiceId(), object.getId());
        assertEquals("acct_smoke_1", object.getMetadata().get("acct_id"));
        assertEquals("open", object.getStatus());
        assertEquals(3, object.getLines().getData().size());

        assertThrows(SignatureVerificationException.class,
                () -> Webhook.constructEvent(invoice.eventJson(), header, "whsec_someone_else"));
        long tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
        assertThrows(SignatureVerificationException.class, () -> Webhook.constructEvent(invoice.eventJson(),
                current.header(invoice.eventBytes(), tenMinutesAgo), "whsec_harness_current"));

        String both = previous.headerWithSecondSignature(invoice.eventBytes(), Instant.now().getEpochSecond(), current);
        assertTrue(Webhook.Signature.verifyHeader(invoice.eventJson(), both, "whsec_harness_current", Webhook.DEFAULT_TOLERANCE));
        assertTrue(Webhook.Signature.verifyHeader(invoice.eventJson(), both, "whsec_harness_previous", Webhook.DEFAULT_TOLERANCE));
    }

    @Test
    void fixturesBuildRealisticInvoiceEvents() {
        Fixtures.FinalizedInvoice many = Fixtures.invoiceFinalized().currency("eur").lines(12).build();
        JsonObject event = Fixtures.parse(many.eventJson());
        JsonObject invoice = event.getJsonObject("data").getJsonObject("object");
        assertTrue(many.eventId().matches("evt_[A-Za-z0-9]{24}"), many.eventId());
        assertTrue(many.invoiceId().matches("in_[A-Za-z0-9]{24}"), many.invoiceId());
        assertEquals("2025-08-27.basil", event.getString("api_version"));
        assertEquals("eur", invoice.getString("currency"));
        assertEquals(10, invoice.getJsonObject("lines").getJsonArray("data").size());
        assertTrue(invoice.getJsonObject("lines").getBoolean("has_more"));
        assertEquals(12, invoice.getJsonObject("lines").getInt("total_count"));
        long sum = many.lineJsons().stream().mapToLong(l -> Fixtures.parse(l).getJsonNumber("amount").longValue()).sum();
        assertEquals(sum, invoice.getJsonNumber("total").longValue());
        assertEquals(sum, invoice.getJsonNumber("amount_due").longValue());
        assertFalse(invoice.getJsonObject("status_transitions").isNull("finalized_at"));

        JsonObject legacy = Fixtures.parse(Fixtures.invoiceFinalized().apiVersion(null).build().eventJson());
        assertEquals(JsonValue.NULL, legacy.get("api_version"));
        JsonObject old = Fixtures.parse(Fixtures.invoiceFinalized().apiVersion("2019-12-03").build().eventJson());
        assertEquals("2019-12-03", old.getString("api_version"));
    }

    @Test
    void awaitReportsWhatItWaitedFor() {
        long start = System.nanoTime();
        Await.until(Duration.ofSeconds(5), () -> System.nanoTime() - start > 300_000_000L, "300 ms to pass");
        AssertionError timeout = assertThrows(AssertionError.class,
                () -> Await.until(Duration.ofMillis(300), () -> false, "a condition that never holds"));
        assertTrue(timeout.getMessage().contains("a condition that never holds"));
    }

    private static void send(int port, String to, String subject, byte[] pdf) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", SmtpControl.HOST);
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.connectiontimeout", "2000");
        props.put("mail.smtp.timeout", "5000");
        Session session = Session.getInstance(props);

        MimeBodyPart text = new MimeBodyPart();
        text.setText("Thanks", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p><b>Thanks</b></p>", "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(pdf, "application/pdf")));
        attachment.setFileName("invoice.pdf");
        attachment.setDisposition(MimeBodyPart.ATTACHMENT);

        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("billing-noreply@notify.adventive.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setContent(new MimeMultipart("mixed", body, attachment));
        Transport.send(message);
    }
}
