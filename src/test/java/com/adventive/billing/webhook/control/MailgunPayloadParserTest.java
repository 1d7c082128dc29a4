package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.webhook.entity.MailgunEvent;
import com.adventive.billing.webhook.entity.MailgunSignature;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mailgun's JSON webhook body, as its documentation shows it, read into a signature and an event. */
class MailgunPayloadParserTest {

    private static final LocalDateTime SIGNED_AT = LocalDateTime.of(2026, 2, 12, 18, 26, 12);

    private static final String PERMANENT_FAILURE = """
            {"signature":{"token":"e0b5477167110d68991efc6b9f89f0a11066af27834600e123","timestamp":"1770920772",
              "signature":"12d99f5a15355c180971bed7494d578b093c958f57766f3fe750761baed12345"},
             "event-data":{"id":"G9Bn5sl1TC6nu79C8C0bwg","timestamp":1770920771.529692,"log-level":"error",
              "event":"failed","severity":"permanent","reason":"bounce",
              "delivery-status":{"code":550,"message":"5.1.1 The email account that you tried to reach does not exist",
                "description":""},
              "recipient":"Alice@Example.com",
              "message":{"headers":{"to":"Alice@Example.com","message-id":"abc.invoice_new@notify.adventive.com",
                "from":"billing-noreply@notify.adventive.com","subject":"Your invoice"}}}}
            """;

    @Test
    void readsTheDocumentedShape() {
        JsonObject body = MailgunPayloadParser.body(PERMANENT_FAILURE.getBytes(StandardCharsets.UTF_8));
        MailgunSignature signature = MailgunPayloadParser.signature(body);
        assertEquals("1770920772", signature.timestamp());
        assertEquals(1_770_920_772L, signature.epochSecond());
        MailgunEvent event = MailgunPayloadParser.event(body, SIGNED_AT);
        assertEquals("failed", event.event());
        assertTrue(event.isPermanentFailure());
        assertEquals("alice@example.com", event.recipient(), "kept lower-case, as the suppression list is");
        assertEquals("abc.invoice_new@notify.adventive.com", event.messageId());
        assertEquals("550 5.1.1 The email account that you tried to reach does not exist (bounce)", event.reason());
        assertEquals(LocalDateTime.of(2026, 2, 12, 18, 26, 11, 529_692_000), event.occurredAt());
        assertEquals("G9Bn5sl1TC6nu79C8C0bwg", event.eventId());
    }

    @Test
    void aTimestampSentAsANumberIsReadAsWritten() {
        JsonObject body = MailgunPayloadParser.body(PERMANENT_FAILURE.replace("\"timestamp\":\"1770920772\"",
                "\"timestamp\":1770920772").getBytes(StandardCharsets.UTF_8));
        assertEquals("1770920772", MailgunPayloadParser.signature(body).timestamp());
    }

    @Test
    void angleBracketsAroundTheMessageIdAreTakenOff() {
        JsonObject body = MailgunPayloadParser.body(PERMANENT_FAILURE.replace("\"abc.invoice_new@notify.adventive.com\"",
                "\" <abc.invoice_new@notify.adventive.com> \"").getBytes(StandardCharsets.UTF_8));
        assertEquals("abc.invoice_new@notify.adventive.com", MailgunPayloadParser.event(body, SIGNED_AT).messageId());
    }

    @Test
    void aFailureWithoutSeverityIsNotTakenAsPermanent() {
        JsonObject body = MailgunPayloadParser.body(PERMANENT_FAILURE.replace("\"severity\":\"permanent\",", "")
                .getBytes(StandardCharsets.UTF_8));
        MailgunEvent event = MailgunPayloadParser.event(body, SIGNED_AT);
        assertEquals("temporary", event.severity());
        assertTrue(!event.isPermanentFailure());
    }

    @Test
    void anEventWithoutTimestampTakesTheSignatureTime() {
        JsonObject body = MailgunPayloadParser.body(PERMANENT_FAILURE.replace("\"timestamp\":1770920771.529692,", "")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(SIGNED_AT, MailgunPayloadParser.event(body, SIGNED_AT).occurredAt());
    }

    @Test
    void refusesWhatIsNotAMailgunBody() {
        assertEquals("body_invalid", assertThrows(BillingProblem.class,
                () -> MailgunPayloadParser.body("[1,2]".getBytes(StandardCharsets.UTF_8))).code());
        assertEquals("body_invalid", assertThrows(BillingProblem.class,
                () -> MailgunPayloadParser.body("{\"a\":".getBytes(StandardCharsets.UTF_8))).code());
        assertEquals("signature_missing", assertThrows(BillingProblem.class,
                () -> MailgunPayloadParser.signature(MailgunPayloadParser.body("{}".getBytes(StandardCharsets.UTF_8))))
                .code());
        String badToken = PERMANENT_FAILURE.replace("e0b5477167110d68991efc6b9f89f0a11066af27834600e123", "a b");
        assertEquals("signature_malformed", assertThrows(BillingProblem.class, () -> MailgunPayloadParser.signature(
                MailgunPayloadParser.body(badToken.getBytes(StandardCharsets.UTF_8)))).code());
        String noRecipient = PERMANENT_FAILURE.replace("\"recipient\":\"Alice@Example.com\",", "");
        assertEquals("event_invalid", assertThrows(BillingProblem.class, () -> MailgunPayloadParser.event(
                MailgunPayloadParser.body(noRecipient.getBytes(StandardCharsets.UTF_8)), SIGNED_AT)).code());
        String twoRecipients = PERMANENT_FAILURE.replace("\"recipient\":\"Alice@Example.com\"",
                "\"recipient\":\"a@example.com, b@example.com\"");
        assertEquals("event_invalid", assertThrows(BillingProblem.class, () -> MailgunPayloadParser.event(
                MailgunPayloadParser.body(twoRecipients.getBytes(StandardCharsets.UTF_8)), SIGNED_AT)).code());
    }

    @Test
    void aDeliveredEventCarriesNoFailureReason() {
        String delivered = PERMANENT_FAILURE.replace("\"event\":\"failed\",\"severity\":\"permanent\",\"reason\":\"bounce\",",
                "\"event\":\"delivered\",").replace("\"code\":550,\"message\":\"5.1.1 The email account that you tried "
                + "to reach does not exist\"", "\"code\":250,\"message\":\"OK\"");
        MailgunEvent event = MailgunPayloadParser.event(MailgunPayloadParser.body(
                delivered.getBytes(StandardCharsets.UTF_8)), SIGNED_AT);
        assertEquals("delivered", event.event());
        assertNull(event.severity());
        assertEquals("250 OK", event.reason());
    }
}
