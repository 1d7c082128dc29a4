package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.DisputeEvidenceQueries;
import com.adventive.billing.admin.entity.EvidenceViews.DisputeEvidence;
import com.adventive.billing.invoice.entity.StoredPdfFile;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** What a dispute needs, in one answer or one zip to upload to Stripe. */
@Path("/admin/disputes")
@Tag(name = "disputes", description = "Evidence for a dispute")
public class AdminDisputeResource {

    static final String ZIP = "application/zip";
    static final String SUMMARY_ENTRY = "summary.json";

    /** The same JSON shape as the API answers (snake_case, nulls shown). */
    private static final Jsonb JSON = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(true).withFormatting(true));

    @Inject
    DisputeEvidenceQueries queries;

    @GET
    @Path("/{dispute_id}/evidence")
    @Produces({MediaType.APPLICATION_JSON, ZIP})
    @Operation(summary = "Evidence for a dispute: the invoice PDF as sent, its email delivery, payments, the account",
            description = "The PDF is named by its sha256 and a download link (/admin/invoices/{id}/pdf?version=N, "
                    + "exactly the bytes the customer received). format=zip answers a zip with that PDF and "
                    + "summary.json (this answer).")
    public Response evidence(@PathParam("dispute_id") String disputeId, @QueryParam("format") String format)
            throws StripeException {
        if (!Ids.DISPUTE.matches(disputeId)) {
            throw BillingProblem.badRequest("dispute_id_invalid", "dispute_id must look like du_… or dp_…");
        }
        boolean zip = "zip".equals(format);
        if (format != null && !zip && !"json".equals(format)) {
            throw BillingProblem.badRequest("format_invalid", "format must be json or zip");
        }
        DisputeEvidenceQueries.Bundle bundle = queries.evidence(disputeId).orElseThrow(() -> BillingProblem.notFound(
                "dispute_not_found", "neither the worker nor Stripe knows dispute " + disputeId));
        if (!zip) {
            return Response.ok(bundle.evidence(), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(zip(bundle), ZIP)
                .header("Content-Disposition", "attachment; filename=\"evidence-" + disputeId + ".zip\"")
                .build();
    }

    static byte[] zip(DisputeEvidenceQueries.Bundle bundle) {
        DisputeEvidence evidence = bundle.evidence();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            if (bundle.pdf().isPresent()) {
                StoredPdfFile pdf = bundle.pdf().get();
                zip.putNextEntry(new ZipEntry(pdf.fileName()));
                zip.write(pdf.bytes());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(SUMMARY_ENTRY));
            zip.write(JSON.toJson(evidence).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
