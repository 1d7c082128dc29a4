package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AdminQueries;
import com.adventive.billing.admin.control.InvoiceOperations;
import com.adventive.billing.admin.entity.AdminViews.InvoiceDossier;
import com.adventive.billing.invoice.entity.InvoicePdfVersion;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.adventive.billing.platform.boundary.ProblemResponses;
import com.adventive.billing.platform.control.BucketGateway;
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

import java.util.Optional;
import java.util.regex.Pattern;

/** One invoice, as operators see and repair it: its dossier, its PDF, a fresh render, a resend. */
@Path("/admin")
@Tag(name = "invoices", description = "Look at and repair one invoice")
public class AdminInvoiceResource {

    private static final Pattern VERSION_NUMBER = Pattern.compile("[1-9][0-9]{0,3}");

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
    @Operation(summary = "The invoice PDF as the customer received it, or another stored version",
            description = "Without version (or version=sent): the PDF attached to the latest email sent. "
                    + "version=latest: the newest stored rendering; version=current: the one the next email would "
                    + "attach; version=N: that version. Headers X-PDF-Version and X-Content-SHA256 say which.")
    public Response pdf(@PathParam("invoice_id") String invoiceId, @QueryParam("version") String version) {
        AdminErrors.validInvoiceId(invoiceId);
        String wanted = version == null || version.isBlank() ? "sent" : version.strip();
        Optional<InvoicePdfVersion> chosen;
        if (wanted.equals("sent")) {
            chosen = queries.sentPdf(invoiceId);
        } else if (wanted.equals("latest")) {
            chosen = queries.latestPdf(invoiceId);
        } else if (wanted.equals("current")) {
            chosen = queries.currentPdf(invoiceId);
        } else if (VERSION_NUMBER.matcher(wanted).matches()) {
            chosen = queries.pdfVersion(invoiceId, Integer.parseInt(wanted));
        } else {
            throw AdminErrors.badRequest("version must be sent, latest, current or a version number such as 2");
        }
        InvoicePdfVersion pdf = chosen.orElseThrow(() -> AdminErrors.notFound("no stored PDF for " + invoiceId
                + (wanted.equals("sent") ? "" : " with version=" + wanted)));
        byte[] bytes = bucket.get(pdf.pdfKey())
                .orElseThrow(() -> AdminErrors.notFound("the ledger names " + pdf.pdfKey() + " but the bucket has no such object"));
        if (!pdf.sha256().equals(RenderedPdf.sha256Hex(bytes))) {
            return ProblemResponses.problem(409, "Stored PDF differs from the ledger", "the object at " + pdf.pdfKey()
                    + " does not have the recorded sha256 " + pdf.sha256());
        }
        String fileName = pdf.pdfKey().substring(pdf.pdfKey().indexOf('/') + 1);
        return Response.ok(bytes, "application/pdf")
                .header("Content-Disposition", "inline; filename=\"" + fileName + "\"")
                .header("X-Content-SHA256", pdf.sha256())
                .header("X-PDF-Version", Integer.toString(pdf.versionNumber()))
                .build();
    }
}
