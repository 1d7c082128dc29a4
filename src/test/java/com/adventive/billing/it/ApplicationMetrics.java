package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingServer;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reads one application gauge from the server's Prometheus-format {@code /metrics}. */
final class ApplicationMetrics {

    private ApplicationMetrics() {
    }

    static long gauge(String name) {
        HttpResponse<String> metrics = BillingServer.webhook().get("/metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .map(value -> (long) Double.parseDouble(value))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in:\n" + metrics.body()));
    }
}
