package com.adventive.billing.it.support;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a Stripe list endpoint page by page, the way Stripe does: {@code limit} (default 10, at
 * most 100) and {@code starting_after} (the id of the last item of the previous page) choose the
 * page, {@code has_more} tells the client whether to ask again. A WireMock stub can only answer
 * with fixed bodies; cursor pagination needs to look at the request, hence this transformer.
 */
final class StripeListPager implements ResponseDefinitionTransformerV2 {

    static final String NAME = "stripe-list-pager";

    private static final int STRIPE_DEFAULT_LIMIT = 10;
    private static final int STRIPE_MAX_LIMIT = 100;

    /** One list: its items in order, and the largest page the stand-in serves regardless of limit. */
    private record StripeList(List<JsonObject> items, int maxPageSize) {
    }

    private final Map<String, StripeList> listsByPath = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    void serve(String path, List<String> itemJsons, int maxPageSize) {
        if (maxPageSize < 1) {
            throw new IllegalArgumentException("page size must be at least 1");
        }
        List<JsonObject> items = itemJsons.stream()
                .map(json -> Json.createReader(new StringReader(json)).readObject())
                .toList();
        listsByPath.put(path, new StripeList(items, maxPageSize));
    }

    void clear() {
        listsByPath.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = URI.create(request.getUrl()).getPath();
        StripeList list = listsByPath.get(path);
        if (list == null) {
            return StripeApiStub.error(404, "resource_missing", "No such list: " + path);
        }
        if (request.queryParameter("ending_before").isPresent()) {
            // Not used by stripe-java's forward auto-pagination; fail loudly rather than serve a wrong page.
            return StripeApiStub.error(400, "parameter_unknown", "harness: ending_before is not supported");
        }
        int limit = intParameter(request.queryParameter("limit"), STRIPE_DEFAULT_LIMIT);
        if (limit < 1 || limit > STRIPE_MAX_LIMIT) {
            return StripeApiStub.error(400, "parameter_invalid_integer", "limit must be between 1 and 100");
        }
        int start = 0;
        QueryParameter startingAfter = request.queryParameter("starting_after");
        if (startingAfter.isPresent()) {
            int index = indexOf(list.items(), startingAfter.firstValue());
            if (index < 0) {
                return StripeApiStub.error(400, "resource_missing", "No such object: '" + startingAfter.firstValue() + "'");
            }
            start = index + 1;
        }
        int end = Math.min(list.items().size(), start + Math.min(limit, list.maxPageSize()));
        JsonArrayBuilder data = Json.createArrayBuilder();
        list.items().subList(start, end).forEach(data::add);
        JsonObject page = Json.createObjectBuilder()
                .add("object", "list")
                .add("data", data)
                .add("has_more", end < list.items().size())
                .add("url", path)
                .build();
        return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition()).but()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(page.toString())
                .build();
    }

    private static int indexOf(List<JsonObject> items, String id) {
        for (int i = 0; i < items.size(); i++) {
            if (id.equals(items.get(i).getString("id", null))) {
                return i;
            }
        }
        return -1;
    }

    private static int intParameter(QueryParameter parameter, int defaultValue) {
        if (!parameter.isPresent()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(parameter.firstValue());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
