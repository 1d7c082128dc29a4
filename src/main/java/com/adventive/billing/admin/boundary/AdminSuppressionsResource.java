package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.entity.SuppressionViews.SuppressionPage;
import com.adventive.billing.admin.entity.SuppressionViews.SuppressionRemoved;
import com.adventive.billing.admin.entity.SuppressionViews.SuppressionView;
import com.adventive.billing.invoice.control.EmailSuppressions;
import com.adventive.billing.invoice.entity.EmailSuppression;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.entity.OperationalContext;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.TransactionalException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The suppression list, for operators: who the worker will not email and why, and the door to take an
 * address off it once the customer's mailbox works again (or to put one on by hand). Authenticated
 * and audited by the admin gate like every /admin call; each change is also an operational event.
 */
@Path("/admin/suppressions")
@Tag(name = "suppressions", description = "Recipients the worker does not email")
public class AdminSuppressionsResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final String BODY_EXAMPLE = "{\"email\":\"customer@example.com\",\"reason\":\"asked by phone\"}";

    @Inject
    EmailSuppressions suppressions;

    @Context
    SecurityContext security;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List suppressed recipients in address order",
            description = "Page with after = the previous page's next_after (null: no more pages).")
    public SuppressionPage list(@Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limit,
                                @Parameter(description = "an address to read after") @QueryParam("after") String after) {
        if (after != null) {
            validEmail(after, "invalid_after");
        }
        int size = AdminRequests.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        List<EmailSuppression> rows = suppressions.list(after, size + 1);
        List<SuppressionView> items = rows.stream().limit(size).map(AdminSuppressionsResource::view).toList();
        return new SuppressionPage(items, rows.size() > size ? items.get(items.size() - 1).email() : null);
    }

    @GET
    @Path("/{email}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Whether one address is suppressed, and why")
    @APIResponse(responseCode = "404", description = "not_suppressed")
    public SuppressionView get(@PathParam("email") String email) {
        return suppressions.find(validEmail(email, "invalid_email")).map(AdminSuppressionsResource::view)
                .orElseThrow(() -> notSuppressed(email));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Put an address on the suppression list by hand",
            description = "Answers 201 with the entry, or 200 with the existing one (its reason unchanged).")
    @APIResponse(responseCode = "201", description = "added")
    @APIResponse(responseCode = "200", description = "already suppressed")
    public Response add(String body) {
        JsonObject json = jsonObject(body);
        if (!(json.get("email") instanceof JsonString email)) {
            throw BillingProblem.badRequest("invalid_email", "email is required and must be a string");
        }
        String address = validEmail(email.getString(), "invalid_email");
        JsonValue reasonValue = json.get("reason");
        if (reasonValue != null && reasonValue != JsonValue.NULL && !(reasonValue instanceof JsonString)) {
            throw BillingProblem.badRequest("invalid_reason", "reason must be a string");
        }
        String reason = reasonValue instanceof JsonString r && !r.getString().isBlank() ? r.getString().strip()
                : "added by an operator";
        if (reason.length() > 200) {
            throw BillingProblem.badRequest("invalid_reason", "reason is at most 200 characters");
        }
        String operator = AdminPrincipals.describe(security);
        boolean added;
        try {
            added = suppressions.suppress(address, reason, EmailSuppression.SOURCE_OPERATOR, operator,
                    new OperationalContext(null, null, null, null));
        } catch (PersistenceException | TransactionalException raced) {
            added = false; // another request put it there first
        }
        SuppressionView entry = suppressions.find(address).map(AdminSuppressionsResource::view)
                .orElseThrow(() -> new BillingProblem(409, "concurrent_update",
                        address + " was changed by another request at the same time; read it and try again"));
        return Response.status(added ? 201 : 200).entity(entry).build();
    }

    @DELETE
    @Path("/{email}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Take an address off the suppression list",
            description = "The next email to it is sent again. Answers what was removed; 404 when it was not there.")
    @APIResponse(responseCode = "404", description = "not_suppressed")
    public SuppressionRemoved remove(@PathParam("email") String email) {
        String address = validEmail(email, "invalid_email");
        EmailSuppression removed = suppressions.remove(address, AdminPrincipals.describe(security))
                .orElseThrow(() -> notSuppressed(address));
        return new SuppressionRemoved(removed.email(), true, view(removed));
    }

    private static String validEmail(String email, String code) {
        return EmailSuppressions.normalized(email).orElseThrow(() -> BillingProblem.badRequest(code,
                "expected one plain email address such as customer@example.com (at most 320 characters)"));
    }

    private static BillingProblem notSuppressed(String email) {
        return BillingProblem.notFound("not_suppressed", email + " is not on the suppression list");
    }

    private static JsonObject jsonObject(String body) {
        if (body != null && !body.isBlank()) {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                if (reader.readValue() instanceof JsonObject object) {
                    return object;
                }
            } catch (JsonException e) {
                // answered below
            }
        }
        throw BillingProblem.badRequest("invalid_body", "expected a JSON object like " + BODY_EXAMPLE);
    }

    private static SuppressionView view(EmailSuppression s) {
        return new SuppressionView(s.email(), s.reason(), s.source(), s.createdBy(),
                s.createdAt() == null ? null : s.createdAt().toInstant(ZoneOffset.UTC));
    }
}
