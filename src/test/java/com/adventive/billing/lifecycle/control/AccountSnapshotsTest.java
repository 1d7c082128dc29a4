package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.CustomerSnapshot;
import com.adventive.billing.lifecycle.entity.SubscriptionSnapshot;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Stripe's own subscription and customer fixtures (API 2025-08-27.basil) read into what the worker keeps. */
class AccountSnapshotsTest {

    private static JsonObject fixture(String name) throws IOException {
        String json = Files.readString(Path.of("src/test/resources/stripe-fixtures/openapi/objects-v1932", name));
        return Json.createReader(new StringReader(json)).readObject();
    }

    @Test
    void aSubscriptionsPlanStatusAndItemsAreRead() throws IOException {
        SubscriptionSnapshot subscription = AccountSnapshots.subscription(fixture("subscription.json"));
        assertEquals("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw", subscription.subscriptionId());
        assertEquals("cus_QXg1o8vcGmoR32", subscription.customerId());
        assertEquals("active", subscription.status());
        assertEquals("price_1PgafmB7WZ01zgkW6dKueIc5", subscription.plan());
        assertEquals(1, subscription.items().size());
        assertEquals("si_QXhVnC2h0Jczwc", subscription.items().get(0).id());
        assertEquals(1L, subscription.items().get(0).quantity());
        assertEquals(Instant.ofEpochSecond(1234567890), subscription.canceledAt());
        assertNull(subscription.metadataAcctId());
    }

    @Test
    void aCustomersEmailAndAccountMetadataAreRead() throws IOException {
        JsonObject customer = Json.createObjectBuilder(fixture("customer.json")).add("email", "ap@globex.example")
                .add("metadata", Json.createObjectBuilder().add("acct_id", "acct_Globex01")).build();
        CustomerSnapshot snapshot = AccountSnapshots.customer(customer);
        assertEquals("ap@globex.example", snapshot.email());
        assertEquals("acct_Globex01", snapshot.metadataAcctId());
        JsonObject hostile = Json.createObjectBuilder(customer)
                .add("metadata", Json.createObjectBuilder().add("acct_id", "../../etc")).build();
        assertNull(AccountSnapshots.customer(hostile).metadataAcctId(), "a malformed acct_id is not taken");
    }
}
