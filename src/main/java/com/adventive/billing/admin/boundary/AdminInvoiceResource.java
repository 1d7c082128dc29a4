package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AdminQueries;
import com.adventive.billing.admin.entity.AdminViews.InvoiceDossier;
import com.adventive.billing.invoice.control.InvoiceOperations;
import com.adventive.billing.invoice.entity.StoredPdfFile;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;


/** One invoice, as operators see and repair it: its dossier, its PDF, a fresh render, a resend. */
@Path("/admin")
@Tag(name = "invoices", description = "Look at and repair one invoice")
public class AdminInvoiceResource {

    @Inject
    InvoiceOperations operations;

    @Inject
    AdminQueries queries;

    @Context
    SecurityContext security;

    @POST
    @Path("/resend-invoice")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-fetch from Stripe, re-render, re-store and re-send the invoice email (invoice_notify)",
            description = "Creates no Stripe event. Answers the stored key, sha256 and the new email's Message-ID.")
    public Response resend(JsonObject body) throws StripeException {
        return onInvoice(body, operations::resend);
    }

    @POST
    @Path("/render-pdf")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Render and store the invoice PDF now, without email",
            description = "Answers key, size, sha256, pages and render time.")
    public Response render(JsonObject body) throws StripeException {
        return onInvoice(body, operations::render);
    }

    /** One of InvoiceOperations' repairs, on the invoice the body names, by the operator who asked. */
    @FunctionalInterface
    interface Repair {
        Object apply(String invoiceId, String operator) throws StripeException;
    }

    private Response onInvoice(JsonObject body, Repair repair) throws StripeException {
        String invoiceId = AdminRequests.invoiceIdFrom(body);
        return Response.ok(repair.apply(invoiceId, AdminPrincipals.describe(security))).build();
    }

    @GET
    @Path("/invoices/{invoice_id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Everything the worker knows about one invoice",
            description = "Events received, account, inv_uuid, stored PDF, every email attempt, work items, "
                    + "operational events.")
    public InvoiceDossier dossier(@PathParam("invoice_id") String invoiceId) {
        AdminRequests.validInvoiceId(invoiceId);
        return queries.invoice(invoiceId)
                .orElseThrow(() -> AdminRequests.notFound("the worker has no record of " + invoiceId));
    }

    @GET
    @Path("/invoices/{invoice_id}/pdf")
    @Produces({"application/pdf", "application/problem+json"})
    @Operation(summary = "The invoice PDF as the customer received it, or another stored version",
            description = "Without version (or version=sent): the PDF attached to the latest email sent. "
                    + "version=latest: the newest stored rendering; version=current: the one the next email would "
                    + "attach; version=N: that version. Headers X-PDF-Version and X-Content-SHA256 say which.")
    public Response pdf(@PathParam("invoice_id") String invoiceId, @QueryParam("version") String version) {
        AdminRequests.validInvoiceId(invoiceId);
        StoredPdfFile pdf = operations.storedPdf(invoiceId, version);
        return Response.ok(pdf.bytes(), "application/pdf")
                .header("Content-Disposition", "inline; filename=\"" + pdf.fileName() + "\"")
                .header("X-Content-SHA256", pdf.sha256())
                .header("X-PDF-Version", Integer.toString(pdf.versionNumber()))
                .build();
    }
}
