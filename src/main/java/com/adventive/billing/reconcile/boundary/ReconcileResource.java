package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.reconcile.control.DeliveryReconciliation;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Runs the reconciliation now, as the monthly check and the drift playbook ask. */
@Path("/admin/reconcile")
@Tag(name = "reconcile", description = "Reconciliation")
public class ReconcileResource {

    @Inject
    DeliveryReconciliation reconciliation;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reconcile now: {status, accounts_checked, drift_count} (+ drifts with detail=true)")
    public ReconciliationReport reconcile(@QueryParam("detail") boolean detail) {
        ReconciliationReport report = reconciliation.run();
        return detail ? report : report.withoutDetail();
    }
}
