package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.webhook.entity.EventEnvelope;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the event envelope from the raw body; refuses anything that is not a Stripe event. */
public final class EnvelopeParser {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+){1,5}");
    /**
     * Made once: {@code Json.createReader} looks the JSON provider up through a ServiceLoader on every
     * call, which was a fifth of a webhook's server CPU in the intake profile (docs/benchmarks.md).
     */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private EnvelopeParser() {
    }

    public static EventEnvelope parse(String body) throws MalformedEventException {
        JsonObject event = readObject(body);
        String id = string(event, "id");
        if (!Ids.EVENT.matches(id)) {
            throw new MalformedEventException("event 'id' is missing or not an evt_ id");
        }
        String type = string(event, "type");
        if (type == null || type.length() > 100 || !TYPE.matcher(type).matches()) {
            throw new MalformedEventException("event 'type' is missing or malformed");
        }
        String apiVersion = string(event, "api_version");
        if (apiVersion != null && apiVersion.length() > 40) {
            apiVersion = apiVersion.substring(0, 40);
        }
        Long created = event.get("created") instanceof JsonNumber n ? n.longValue() : null;
        return new EventEnvelope(id, type, apiVersion, created, objectId(event));
    }

    public static JsonObject readObject(String body) throws MalformedEventException {
        JsonValue value;
        try (var reader = READERS.createReader(new StringReader(body))) {
            value = reader.readValue();
        } catch (JsonParsingException e) {
            throw new MalformedEventException("body is not valid JSON");
        } catch (JsonException e) {
            throw new MalformedEventException("body cannot be read as JSON");
        } catch (RuntimeException e) {
            // Parsson refuses input nested deeper than its limit (1,000) with a plain RuntimeException.
            throw new MalformedEventException("body cannot be read as JSON (nested too deeply?)");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new MalformedEventException("body is JSON but not an object");
        }
        return value.asJsonObject();
    }

    private static String objectId(JsonObject event) {
        if (event.get("data") instanceof JsonObject data && data.get("object") instanceof JsonObject object) {
            String id = string(object, "id");
            return id != null && id.length() <= 255 ? id : null;
        }
        return null;
    }

    private static String string(JsonObject object, String name) {
        return object.get(name) instanceof JsonString s ? s.getString() : null;
    }
}
