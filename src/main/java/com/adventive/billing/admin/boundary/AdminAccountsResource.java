package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AccountDirectory;
import com.adventive.billing.admin.control.AccountDirectory.PutOutcome;
import com.adventive.billing.admin.entity.AccountViews.AccountPage;
import com.adventive.billing.admin.entity.AccountViews.AccountView;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
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
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.StringReader;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The account table, the operator's door for the cohort-by-cohort migration: which Stripe customer
 * each account is, and whether the legacy system or the worker (through Stripe) bills it. The table
 * outranks acct_id metadata when invoices are resolved. Errors carry a stable {@code code}.
 */
@Path("/admin/accounts")
@Tag(name = "accounts", description = "The account table: customer to account, and which system bills it")
public class AdminAccountsResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final String BILLED_BY_VALUES = String.join(" or ", new TreeSet<>(AccountDirectory.BILLED_BY));
    private static final String BODY_EXAMPLE = "{\"stripe_customer_id\":\"cus_Q8x2LmN4pR7sT1\",\"billed_by\":\"stripe\"}";

    @Inject
    AccountDirectory directory;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @PUT
    @Path("/{acct_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or update an account: its Stripe customer and which system bills it",
            description = "billed_by is legacy (the legacy system bills it: the worker renders and emails nothing) "
                    + "or stripe (the worker does). One Stripe customer maps to one account. Answers the stored "
                    + "account; every change is an account_changed operational event. Other body fields are ignored.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "move to the worker", value = BODY_EXAMPLE)))
    @APIResponse(responseCode = "201", description = "created")
    @APIResponse(responseCode = "200", description = "updated (or already so)")
    @APIResponse(responseCode = "400", description = "invalid acct_id, stripe_customer_id, billed_by or body")
    @APIResponse(responseCode = "409", description = "customer_already_mapped: the customer is another account")
    public Response put(@Parameter(description = "acct_…") @PathParam("acct_id") String acctId, String body) {
        validAcctId(acctId);
        JsonObject json = jsonObject(body);
        if (json.containsKey("acct_id") && !(json.get("acct_id") instanceof JsonString same
                && same.getString().equals(acctId))) {
            throw problem(400, "acct_id_mismatch", "the body's acct_id differs from the path's " + acctId
                    + "; leave it out or make them equal");
        }
        String customer = stringField(json, "stripe_customer_id", "invalid_stripe_customer_id");
        if (!Ids.CUSTOMER.matches(customer)) {
            throw problem(400, "invalid_stripe_customer_id",
                    "stripe_customer_id must look like cus_… (letters, digits, underscores)");
        }
        String billedBy = validBilledBy(stringField(json, "billed_by", "invalid_billed_by"));

        PutOutcome outcome;
        try {
            outcome = directory.put(acctId, customer, billedBy, AdminPrincipals.describe(security));
        } catch (PersistenceException | TransactionalException raced) {
            // Another PUT committed first; say which clash it was, as the database cannot.
            Optional<String> owner = directory.ownerOf(customer).filter(other -> !other.equals(acctId));
            if (owner.isPresent()) {
                throw customerTaken(customer, owner.get());
            }
            throw problem(409, "concurrent_update", "account " + acctId
                    + " was changed by another request at the same time; read it and try again");
        }
        if (outcome instanceof PutOutcome.CustomerTaken taken) {
            throw customerTaken(customer, taken.ownerAcctId());
        }
        PutOutcome.Stored stored = (PutOutcome.Stored) outcome;
        return stored.created()
                ? Response.created(uri.getAbsolutePath()).entity(stored.account()).build()
                : Response.ok(stored.account()).build();
    }

    @GET
    @Path("/{acct_id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One account: its Stripe customer, billed_by, and who changed it last")
    @APIResponse(responseCode = "200", description = "the account")
    @APIResponse(responseCode = "404", description = "account_not_found")
    public AccountView get(@Parameter(description = "acct_…") @PathParam("acct_id") String acctId) {
        validAcctId(acctId);
        return directory.find(acctId)
                .orElseThrow(() -> problem(404, "account_not_found", "the account table has no " + acctId));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List accounts in acct_id order, optionally only those billed by legacy or stripe",
            description = "Page with after = the previous page's next_after (null: no more pages).")
    public AccountPage list(@Parameter(description = "legacy or stripe") @QueryParam("billed_by") String billedBy,
                            @Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limit,
                            @Parameter(description = "acct_… to read after") @QueryParam("after") String after) {
        if (billedBy != null) {
            validBilledBy(billedBy);
        }
        if (after != null && !Ids.ACCOUNT.matches(after)) {
            throw problem(400, "invalid_after", "after must be an acct_… id (the previous page's next_after)");
        }
        return directory.list(billedBy, after, AdminRequests.limit(limit, DEFAULT_LIMIT, MAX_LIMIT));
    }

    private static void validAcctId(String acctId) {
        if (!Ids.ACCOUNT.matches(acctId)) {
            throw problem(400, "invalid_acct_id",
                    "acct_id must look like acct_… (letters, digits, underscores, hyphens; at most 64 characters)");
        }
    }

    private static String validBilledBy(String billedBy) {
        if (!AccountDirectory.BILLED_BY.contains(billedBy)) {
            throw problem(400, "invalid_billed_by", "billed_by must be " + BILLED_BY_VALUES);
        }
        return billedBy;
    }

    private static JsonObject jsonObject(String body) {
        if (body == null || body.isBlank()) {
            throw problem(400, "invalid_body", "expected a JSON body like " + BODY_EXAMPLE);
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
        } catch (JsonException e) {
            // answered below
        } catch (RuntimeException e) {
            // Parsson refuses input nested deeper than its limit (1,000) with a plain RuntimeException: answered below.
        }
        throw problem(400, "invalid_body", "expected a JSON object like " + BODY_EXAMPLE);
    }

    private static String stringField(JsonObject json, String name, String code) {
        if (!(json.get(name) instanceof JsonString value)) {
            throw problem(400, code, name + " is required and must be a string");
        }
        return value.getString();
    }

    private static BillingProblem customerTaken(String customer, String owner) {
        return problem(409, "customer_already_mapped", "customer " + customer + " is already account " + owner
                + "; one Stripe customer maps to one account (change " + owner + " first)");
    }

    private static BillingProblem problem(int status, String code, String detail) {
        return new BillingProblem(status, code, detail);
    }
}
