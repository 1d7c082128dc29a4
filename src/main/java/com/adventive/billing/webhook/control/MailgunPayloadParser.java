package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.MailGateway;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.webhook.entity.MailgunEvent;
import com.adventive.billing.webhook.entity.MailgunSignature;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Mailgun's JSON webhook body: {@code {"signature":{"timestamp","token","signature"},
 * "event-data":{"event","severity","recipient","timestamp","id","reason","delivery-status":{…},
 * "message":{"headers":{"message-id"}}}}}. The signature is read first so that it can be checked
 * before anything else in the body is looked at; {@link #event} then validates the event itself.
 */
public final class MailgunPayloadParser {

    /** The events that say something about an email's delivery; others (opened, clicked, …) are ignored. */
    public static final Set<String> TRACKED = Set.of(MailgunEvent.DELIVERED, MailgunEvent.FAILED,
            MailgunEvent.COMPLAINED, MailgunEvent.UNSUBSCRIBED);

    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9A-Fa-f]{64}");
    private static final int MAX_MESSAGE_ID = 300;
    private static final int MAX_RECIPIENT = 320;
    private static final int MAX_EVENT_ID = 100;
    private static final int MAX_REASON = 1000;

    private MailgunPayloadParser() {
    }

    /** The body as a JSON object, or 400 body_invalid. */
    public static JsonObject body(byte[] raw) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(raw))) {
            if (reader.readValue() instanceof JsonObject object) {
                return object;
            }
        } catch (JsonException | IllegalStateException e) {
            // answered below
        }
        throw new BillingProblem(400, "body_invalid", "expected Mailgun's JSON webhook body "
                + "{\"signature\":{…},\"event-data\":{…}}");
    }

    /** The signature object, well formed, or 400 signature_missing / signature_malformed. */
    public static MailgunSignature signature(JsonObject body) {
        if (!(body.get("signature") instanceof JsonObject signature)) {
            throw new BillingProblem(400, "signature_missing", "the body has no signature object");
        }
        JsonValue sent = signature.get("timestamp");
        String timestamp = sent instanceof JsonString s ? s.getString()
                : sent instanceof JsonNumber n && n.isIntegral() ? n.toString() : null;
        String token = signature.get("token") instanceof JsonString s ? s.getString() : null;
        String hmac = signature.get("signature") instanceof JsonString s ? s.getString() : null;
        if (timestamp == null || !TIMESTAMP.matcher(timestamp).matches() || token == null
                || !TOKEN.matcher(token).matches() || hmac == null || !SIGNATURE.matcher(hmac).matches()) {
            throw new BillingProblem(400, "signature_malformed", "signature must carry timestamp (Unix seconds), "
                    + "token (letters and digits) and signature (64 hex digits)");
        }
        return new MailgunSignature(timestamp, token, hmac);
    }

    /** The event's name, or 400 event_invalid; an event not in {@link #TRACKED} needs nothing more. */
    public static String eventName(JsonObject body) {
        if (body.get("event-data") instanceof JsonObject data && data.get("event") instanceof JsonString event
                && !event.getString().isBlank() && event.getString().length() <= 40) {
            return event.getString().toLowerCase(Locale.ROOT);
        }
        throw invalid("event-data.event is required");
    }

    /** A tracked event, validated; {@code signedAt} stands in when the event carries no timestamp. */
    public static MailgunEvent event(JsonObject body, LocalDateTime signedAt) {
        String name = eventName(body);
        JsonObject data = body.getJsonObject("event-data");
        String recipient = text(data, "recipient")
                .flatMap(MailGateway::deliverableAddress)
                .filter(a -> a.length() <= MAX_RECIPIENT)
                .map(a -> a.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> invalid("event-data.recipient must be an email address"));
        String severity = null;
        if (MailgunEvent.FAILED.equals(name)) {
            // Mailgun always says; a failure it does not call permanent is not taken as one (no suppression).
            severity = text(data, "severity").map(s -> s.toLowerCase(Locale.ROOT)).filter(s -> s.length() <= 20)
                    .orElse("temporary");
        }
        String messageId = messageId(data).orElse(null);
        String eventId = text(data, "id").filter(id -> id.length() <= MAX_EVENT_ID).orElse(null);
        return new MailgunEvent(eventId, name, severity, recipient, messageId, reason(name, data),
                occurredAt(data).orElse(signedAt));
    }

    /** {@code message.headers.message-id}, angle brackets and spaces taken off (Mailgun sends it without). */
    static Optional<String> messageId(JsonObject data) {
        if (!(data.get("message") instanceof JsonObject message)
                || !(message.get("headers") instanceof JsonObject headers)) {
            return Optional.empty();
        }
        return text(headers, "message-id")
                .map(String::trim)
                .map(id -> id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1).trim() : id)
                .filter(id -> !id.isEmpty())
                .map(id -> id.length() <= MAX_MESSAGE_ID ? id : id.substring(0, MAX_MESSAGE_ID));
    }

    /** What the provider said: the SMTP code and message of a failure, or the event's own reason. */
    static String reason(String event, JsonObject data) {
        StringBuilder reason = new StringBuilder();
        if (data.get("delivery-status") instanceof JsonObject status) {
            if (status.get("code") instanceof JsonNumber code) {
                reason.append(code.toString());
            }
            Optional<String> said = text(status, "message").or(() -> text(status, "description"));
            said.ifPresent(text -> reason.append(reason.isEmpty() ? "" : " ").append(text.strip()));
        }
        Optional<String> kind = text(data, "reason");
        if (kind.isPresent() && !MailgunEvent.DELIVERED.equals(event)) {
            reason.append(reason.isEmpty() ? kind.get() : " (" + kind.get() + ")");
        }
        String text = reason.toString().replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? null : Texts.truncate(text, MAX_REASON);
    }

    /** event-data.timestamp: Unix seconds with a fraction. */
    static Optional<LocalDateTime> occurredAt(JsonObject data) {
        if (!(data.get("timestamp") instanceof JsonNumber number)) {
            return Optional.empty();
        }
        BigDecimal seconds = number.bigDecimalValue();
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(253_402_300_799L)) > 0) {
            throw invalid("event-data.timestamp is out of range");
        }
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Optional.of(LocalDateTime.ofEpochSecond(whole, nanos, ZoneOffset.UTC));
    }

    private static Optional<String> text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString s && !s.getString().isBlank() ? Optional.of(s.getString()) : Optional.empty();
    }

    private static BillingProblem invalid(String detail) {
        return new BillingProblem(400, "event_invalid", detail);
    }
}
