package com.adventive.billing.webhook.control;

import com.adventive.billing.webhook.entity.EventEnvelope;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvelopeParserTest {

    @Test
    void readsIdTypeVersionAndObjectFromARealEventShape() throws Exception {
        String json = Files.readString(Path.of("src/test/resources/stripe-fixtures/events/"
                + "synthesized-from-openapi-fixtures3-v1932/invoice.finalized.json"));
        EventEnvelope envelope = EnvelopeParser.parse(json);
        assertEquals("evt_fixture_invoice_finalized", envelope.id());
        assertEquals("invoice.finalized", envelope.type());
        assertEquals("2025-08-27.basil", envelope.apiVersion());
        assertEquals(1234567890L, envelope.created());
        assertEquals("in_1Pgc6tB7WZ01zgkWu9fdqL6I", envelope.objectId());
    }

    @Test
    void nullApiVersionIsAcceptedNotFatal() throws Exception {
        EventEnvelope envelope = EnvelopeParser.parse(
                "{\"id\":\"evt_1\",\"type\":\"charge.refunded\",\"api_version\":null,\"data\":{\"object\":{\"id\":\"ch_1\"}}}");
        assertNull(envelope.apiVersion());
        assertEquals("ch_1", envelope.objectId());
    }

    @Test
    void refusesBodiesThatAreNotStripeEvents() {
        assertThrows(MalformedEventException.class, () -> EnvelopeParser.parse("not json"));
        assertThrows(MalformedEventException.class, () -> EnvelopeParser.parse("[1,2]"));
        assertThrows(MalformedEventException.class, () -> EnvelopeParser.parse("{\"type\":\"invoice.finalized\"}"));
        assertThrows(MalformedEventException.class, () -> EnvelopeParser.parse("{\"id\":\"evt_1\"}"));
        assertThrows(MalformedEventException.class,
                () -> EnvelopeParser.parse("{\"id\":\"../../etc\",\"type\":\"invoice.finalized\"}"));
        assertThrows(MalformedEventException.class,
                () -> EnvelopeParser.parse("{\"id\":\"evt_1\",\"type\":\"<script>\"}"));
    }
}
