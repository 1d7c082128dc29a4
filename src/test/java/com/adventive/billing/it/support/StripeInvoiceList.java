package com.adventive.billing.it.support;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * GET /v1/invoices on the Stripe stand-in, served {@code pageSize} to a page and chosen by
 * {@code starting_after} as Stripe does: one fixed stub per page (page 1 has no cursor, page n
 * answers the id of page n-1's last invoice), so the stand-in serves thousands of invoices with no
 * work per request beyond matching.
 */
public final class StripeInvoiceList {

    private StripeInvoiceList() {
    }

    public static void serve(StripeApiStub stripe, List<String> invoiceJsons, int pageSize) {
        for (int start = 0; start < Math.max(1, invoiceJsons.size()); start += pageSize) {
            List<String> page = invoiceJsons.subList(start, Math.min(invoiceJsons.size(), start + pageSize));
            JsonArrayBuilder data = Json.createArrayBuilder();
            page.forEach(i -> data.add(parse(i)));
            String body = Json.createObjectBuilder().add("object", "list").add("data", data)
                    .add("has_more", start + pageSize < invoiceJsons.size()).add("url", "/v1/invoices").build().toString();
            var request = get(urlPathEqualTo("/v1/invoices"));
            request = start == 0 ? request.withQueryParam("starting_after", absent())
                    : request.withQueryParam("starting_after", equalTo(idOf(invoiceJsons.get(start - 1))));
            stripe.wireMock().stubFor(request.willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(body)));
        }
    }

    public static String idOf(String json) {
        return parse(json).getString("id");
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
