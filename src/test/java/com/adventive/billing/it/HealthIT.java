package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What probes and the runbook's quick checks read from /health, and what does not gate readiness. */
@BillingIT
class HealthIT {

    private static JsonObject data(WebhookClient client, String path) {
        HttpResponse<String> response = client.get(path);
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("UP", health.getString("status"));
        return health.getJsonArray("checks").getJsonObject(0).getJsonObject("data");
    }

    @Test
    void readinessReportsEveryDependencyAndTheBuildVersion(WebhookClient client) {
        JsonObject ready = data(client, "/health/ready");
        assertTrue(ready.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"), ready.toString());
        assertTrue(ready.getBoolean("stripe_connected"), ready.toString());
        assertEquals("up", ready.getString("database"));
        assertTrue(ready.getString("bucket").endsWith("up"), ready.toString());
        assertEquals("up", ready.getString("queue"));
        assertTrue(ready.getJsonNumber("queue_depth").longValue() >= 0);
        assertTrue(ready.getJsonNumber("failed_work").longValue() >= 0);
        assertTrue(ready.getString("smtp").contains("reachable"), ready.toString());
        assertTrue(data(client, "/health/live").containsKey("version"));
    }

    @Test
    void stripeBeingDownNeitherMakesTheWorkerUnreadyNorDead(WebhookClient client, StripeApiStub stripe) {
        try {
            stripe.failRequests("/v1/account", 500);
            // a new key invalidates the cached reading at once
            BillingServer.writeSecret("STRIPE_SECRET_KEY", "sk_test_health_" + System.nanoTime());
            JsonObject ready = data(client, "/health/ready");
            assertFalse(ready.getBoolean("stripe_connected"), ready.toString());
            data(client, "/health/live");
        } finally {
            stripe.reset();
            BillingServer.removeSecret("STRIPE_SECRET_KEY");
        }
    }

    @Test
    void theAdminApiIsDescribedByOpenApiWithItsUi(WebhookClient client) {
        HttpResponse<String> openapi = client.get("/openapi");
        assertEquals(200, openapi.statusCode());
        for (String path : new String[]{"/admin/resend-invoice", "/admin/render-pdf", "/admin/invoices/{invoice_id}",
                "/admin/events", "/admin/work", "/admin/reconcile", "/webhooks/stripe"}) {
            assertTrue(openapi.body().contains(path), "OpenAPI describes " + path);
        }
        assertEquals(200, client.get("/openapi/ui/").statusCode());
    }
}
