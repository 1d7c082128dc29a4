package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AdminQueries;
import com.adventive.billing.admin.control.InvoiceOperations;
import com.adventive.billing.admin.entity.AdminViews.InvoiceDossier;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.platform.control.BucketGateway;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One invoice, as operators see and repair it: its dossier, its PDF, a fresh render, a resend. */
@Path("/admin")
@Tag(name = "invoices", description = "Look at and repair one invoice")
public class AdminInvoiceResource {

    @Inject
    InvoiceOperations operations;

    @Inject
    AdminQueries queries;

    @Inject
    BucketGateway bucket;

    @Context
    SecurityContext security;

    @POST
    @Path("/resend-invoice")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-fetch from Stripe, re-render, re-store and re-send the invoice email (invoice_notify)",
            description = "Creates no Stripe event. Answers the stored key, sha256 and the new email's Message-ID.")
    public Response resend(JsonObject body) {
        String invoiceId = AdminErrors.invoiceIdFrom(body);
        try {
            return Response.ok(operations.resend(invoiceId, AdminPrincipals.describe(security))).build();
        } catch (Exception e) {
            return AdminErrors.fromFailure(invoiceId, e);
        }
    }

    @POST
    @Path("/render-pdf")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Render and store the invoice PDF now, without email",
            description = "Answers key, size, sha256, pages and render time.")
    public Response render(JsonObject body) {
        String invoiceId = AdminErrors.invoiceIdFrom(body);
        try {
            return Response.ok(operations.render(invoiceId, AdminPrincipals.describe(security))).build();
        } catch (Exception e) {
            return AdminErrors.fromFailure(invoiceId, e);
        }
    }

    @GET
    @Path("/invoices/{invoice_id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Everything the worker knows about one invoice",
            description = "Events received, account, inv_uuid, stored PDF, every email attempt, work items, "
                    + "operational events.")
    public InvoiceDossier dossier(@PathParam("invoice_id") String invoiceId) {
        AdminErrors.validInvoiceId(invoiceId);
        return queries.invoice(invoiceId)
                .orElseThrow(() -> AdminErrors.notFound("the worker has no record of " + invoiceId));
    }

    @GET
    @Path("/invoices/{invoice_id}/pdf")
    @Produces({"application/pdf", "application/problem+json"})
    @Operation(summary = "The stored invoice PDF, as the customer received it")
    public Response pdf(@PathParam("invoice_id") String invoiceId) {
        AdminErrors.validInvoiceId(invoiceId);
        BillingInvoice row = queries.invoiceRecord(invoiceId)
                .filter(r -> r.pdfKey() != null)
                .orElseThrow(() -> AdminErrors.notFound("no stored PDF for " + invoiceId));
        byte[] pdf = bucket.get(row.pdfKey())
                .orElseThrow(() -> AdminErrors.notFound("the ledger names " + row.pdfKey() + " but the bucket has no such object"));
        return Response.ok(pdf, "application/pdf")
                .header("Content-Disposition", "inline; filename=\"" + row.invUuid() + ".pdf\"")
                .header("X-Content-SHA256", row.pdfSha256())
                .build();
    }
}
