package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Mailgun's event webhooks as Mailgun sends them: a JSON body with {@code signature} (HMAC-SHA256 of
 * timestamp + token under the webhook signing key, hex) and {@code event-data}. The signing here is
 * written out independently of the worker's verifier, from Mailgun's documentation.
 */
final class MailgunEvents {

    static final String PATH = "/webhooks/mailgun";

    private final String signingKey;

    MailgunEvents(String signingKey) {
        this.signingKey = signingKey;
    }

    /** A fresh key, given to the running server (read per request, no restart). */
    static MailgunEvents configured() {
        MailgunEvents events = new MailgunEvents("key-it-" + UUID.randomUUID());
        BillingServer.writeSecret("MAILGUN_WEBHOOK_SIGNING_KEY", events.signingKey);
        return events;
    }

    String signingKey() {
        return signingKey;
    }

    /** One event: name, severity (failed only, else null), recipient, Message-ID as Mailgun writes it (no brackets). */
    static Event event(String name, String severity, String recipient, String messageId) {
        return new Event(name, severity, recipient, messageId, Instant.now(), null,
                UUID.randomUUID().toString().replace("-", "").substring(0, 22));
    }

    /** {@code id} is Mailgun's event id: the same event sent twice carries the same one. */
    record Event(String name, String severity, String recipient, String messageId, Instant occurredAt, String smtp,
                 String id) {

        Event at(Instant when) {
            return new Event(name, severity, recipient, messageId, when, smtp, id);
        }

        Event saying(String smtpMessage) {
            return new Event(name, severity, recipient, messageId, occurredAt, smtpMessage, id);
        }

        String eventDataJson() {
            JsonObjectBuilder data = Json.createObjectBuilder()
                    .add("id", id)
                    .add("event", name)
                    .add("timestamp", new BigDecimal(occurredAt.getEpochSecond()).add(
                            BigDecimal.valueOf(occurredAt.getNano(), 9)))
                    .add("log-level", "failed".equals(name) ? "error" : "info")
                    .add("recipient", recipient)
                    .add("message", Json.createObjectBuilder().add("headers", Json.createObjectBuilder()
                            .add("to", recipient)
                            .add("message-id", messageId)
                            .add("from", BillingServer.MAIL_FROM)
                            .add("subject", "Your invoice")));
            if (severity != null) {
                data.add("severity", severity);
            }
            if ("failed".equals(name)) {
                data.add("reason", "bounce").add("delivery-status", Json.createObjectBuilder()
                        .add("code", "permanent".equals(severity) ? 550 : 452)
                        .add("message", smtp != null ? smtp : "permanent".equals(severity)
                                ? "5.1.1 The email account that you tried to reach does not exist"
                                : "4.2.2 The email account that you tried to reach is over quota")
                        .add("description", ""));
            }
            return data.build().toString();
        }
    }

    /** The whole body, signed with this key at the given time and token. */
    String body(Event event, Instant signedAt, String token) {
        return body(event, signedAt, token, signingKey);
    }

    static String body(Event event, Instant signedAt, String token, String key) {
        String timestamp = Long.toString(signedAt.getEpochSecond());
        return "{\"signature\":{\"timestamp\":\"" + timestamp + "\",\"token\":\"" + token + "\",\"signature\":\""
                + hmacHex(key, timestamp + token) + "\"},\"event-data\":" + event.eventDataJson() + "}";
    }

    /** Signed now with a fresh token: what Mailgun sends. */
    String signed(Event event) {
        return body(event, Instant.now(), newToken());
    }

    static String newToken() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 50);
    }

    static HttpResponse<String> post(WebhookClient webhook, String body) {
        return webhook.postRaw(PATH, body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }

    static String hmacHex(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Message-ID the worker wrote (with angle brackets) as Mailgun reports it (without). */
    static String asMailgunWritesIt(String messageId) {
        return messageId.replaceAll("^<|>$", "");
    }
}
