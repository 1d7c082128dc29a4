package com.adventive.billing.usage.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.usage.control.UsageLedger;
import com.adventive.billing.usage.entity.UsageSubmission;
import com.adventive.billing.usage.entity.UsageViews.IngestAnswer;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The usage ledger's door: the platform posts what it measured. Authenticated and audited like
 * {@code /admin} (the admin gate protects {@code /usage} too). The answer is 200 with an outcome
 * per record whenever the batch itself is readable, so one bad record never loses the good ones;
 * a body that is not a record or a batch of 1 to 1,000 records is a 400 problem.
 */
@Path("/usage")
@Tag(name = "usage", description = "Metered usage reported to Stripe exactly once")
public class UsageResource {

    @Inject
    UsageLedger ledger;

    @Context
    SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record usage: one record or {\"records\":[…]} (up to 1,000); 200 with a result per record")
    public IngestAnswer record(String body) {
        List<UsageSubmission> submissions = submissions(body);
        String who = security != null && security.getUserPrincipal() != null ? security.getUserPrincipal().getName() : null;
        UsageLedger.Ingested ingested;
        try {
            ingested = ledger.ingest(submissions, who);
        } catch (RuntimeException e) {
            if (!UsageLedger.isKeyRace(e)) {
                throw e;
            }
            // (Derby) A concurrent batch stored one of these keys first; the whole batch rolled back,
            // and going again finds that record and answers duplicate or conflict for it. PostgreSQL
            // skips such a key in the insert itself.
            ingested = ledger.ingest(submissions, who);
        }
        // The records are committed; UsageReportWaker creates and wakes their report work at the
        // reporting pace (a work item and a persistent JMS message per record here cost most of a batch).
        return IngestAnswer.of(ingested.outcomes());
    }

    static List<UsageSubmission> submissions(String body) {
        JsonValue parsed;
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            parsed = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw BillingProblem.badRequest("invalid_usage", "the body is not JSON");
        } catch (RuntimeException e) {
            // Parsson refuses input nested deeper than its limit (1,000) with a plain RuntimeException.
            throw BillingProblem.badRequest("invalid_usage", "the body is not JSON that can be read (nested too deeply?)");
        }
        if (!(parsed instanceof JsonObject object)) {
            throw BillingProblem.badRequest("invalid_usage", "the body must be a record or {\"records\":[…]}");
        }
        if (!object.containsKey("records")) {
            return List.of(submission(object));
        }
        if (!(object.get("records") instanceof JsonArray records)) {
            throw BillingProblem.badRequest("invalid_usage", "records must be an array");
        }
        if (records.isEmpty() || records.size() > UsageLedger.MAX_RECORDS) {
            throw BillingProblem.badRequest("invalid_usage",
                    "a batch holds 1 to " + UsageLedger.MAX_RECORDS + " records, got " + records.size());
        }
        List<UsageSubmission> submissions = new ArrayList<>(records.size());
        for (JsonValue record : records) {
            submissions.add(record instanceof JsonObject o ? submission(o)
                    : new UsageSubmission(null, null, null, null, null, null, "a record must be a JSON object"));
        }
        return submissions;
    }

    private static UsageSubmission submission(JsonObject o) {
        List<String> wrong = new ArrayList<>();
        String acct = text(o, "acct_id", wrong);
        String period = text(o, "period", wrong);
        String metric = text(o, "metric", wrong);
        String sourceId = text(o, "source_id", wrong);
        String occurredAt = text(o, "occurred_at", wrong);
        Long quantity = null;
        JsonValue q = o.get("quantity");
        if (q instanceof JsonNumber n && n.isIntegral()) {
            try {
                quantity = n.bigIntegerValueExact().longValueExact();
            } catch (ArithmeticException tooBig) {
                wrong.add("quantity");
            }
        } else if (q != null && q != JsonValue.NULL) {
            wrong.add("quantity");
        }
        String shapeError = wrong.isEmpty() ? null : "not the expected type: " + String.join(", ", wrong)
                + " (quantity is a whole number, the rest are strings)";
        return new UsageSubmission(acct, period, metric, quantity, sourceId, occurredAt, shapeError);
    }

    private static String text(JsonObject o, String field, List<String> wrong) {
        JsonValue value = o.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        wrong.add(field);
        return null;
    }
}
