package com.adventive.billing.admin.boundary;

import com.adventive.billing.lifecycle.control.PaymentMethodLinks;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
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

/** A link for a customer to update the payment method, optionally emailed to them. */
@Path("/admin/payment-method-link")
@Tag(name = "accounts", description = "The account table: customer to account, and which system bills it")
public class AdminPaymentMethodLinkResource {

    @Inject
    PaymentMethodLinks links;

    @Context
    SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A Stripe Customer Portal (or Checkout setup) session URL for the account's customer",
            description = "Body {\"acct_id\":\"acct_…\",\"email\":true}. With email true the link is also emailed "
                    + "(payment_method_update), once per request, to the customer's email. Refused for accounts "
                    + "the legacy system bills (409 legacy_account).")
    public PaymentMethodLinks.Link create(JsonObject body) throws StripeException {
        if (body == null || !(body.get("acct_id") instanceof JsonString acct)) {
            throw AdminRequests.invalid("expected a JSON body like {\"acct_id\":\"acct_…\",\"email\":true}");
        }
        if (!Ids.ACCOUNT.matches(acct.getString())) {
            throw BillingProblem.badRequest("acct_id_invalid", "acct_id must look like acct_… (letters, digits, _ or -)");
        }
        JsonValue email = body.get("email");
        if (email != null && email != JsonValue.TRUE && email != JsonValue.FALSE && email != JsonValue.NULL) {
            throw AdminRequests.invalid("email must be true or false");
        }
        return links.create(acct.getString(), email == JsonValue.TRUE, AdminPrincipals.describe(security));
    }
}
