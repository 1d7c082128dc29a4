package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import com.adventive.billing.lifecycle.entity.InvoiceAdjustment;
import com.adventive.billing.lifecycle.entity.LocatedDispute;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.StripeGateway;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Finds a dispute and the invoice it disputes. Stripe's dispute names only its charge (and payment
 * intent), and since API 2025-03-31 a charge names no invoice: the invoice is the one a refund of
 * the same charge named, else the one Stripe's invoice payments say the payment intent paid. An
 * invoice found through Stripe is written onto the dispute's record, so the dossier shows it too.
 */
@ApplicationScoped
public class DisputeLocator {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    StripeGateway stripe;

    @Inject
    LifecycleLedger ledger;

    public Optional<LocatedDispute> locate(String disputeId) throws StripeException {
        InvoiceAdjustment recorded = em.find(InvoiceAdjustment.class, disputeId);
        JsonObject fromStripe = null;
        if (recorded == null || !AdjustmentSnapshot.DISPUTE.equals(recorded.kind())) {
            fromStripe = fetch(disputeId).orElse(null);
            if (fromStripe == null) {
                return Optional.empty();
            }
        }
        AdjustmentSnapshot dispute = recorded != null && fromStripe == null ? null : AdjustmentSnapshots.dispute(fromStripe);
        String chargeId = dispute != null ? dispute.chargeId() : recorded.chargeId();
        String invoiceId = recorded != null && recorded.stripeInvoiceId() != null ? recorded.stripeInvoiceId()
                : invoiceOfCharge(chargeId).orElse(null);
        if (invoiceId == null && stripe.isConfigured()) {
            if (fromStripe == null) {
                fromStripe = fetch(disputeId).orElse(null);
            }
            String paymentIntent = fromStripe == null ? null : reference(fromStripe, "payment_intent");
            if (Ids.PAYMENT_INTENT.matches(paymentIntent)) {
                invoiceId = stripe.invoiceOfPaymentIntent(paymentIntent).orElse(null);
            }
        }
        if (invoiceId != null && recorded != null && recorded.stripeInvoiceId() == null) {
            ledger.linkInvoice(disputeId, invoiceId);
        }
        if (dispute != null) {
            return Optional.of(new LocatedDispute(disputeId, chargeId, dispute.status(), dispute.reason(), dispute.amount(),
                    dispute.currency(), dispute.evidenceDueBy(), invoiceId, "stripe"));
        }
        return Optional.of(new LocatedDispute(disputeId, chargeId, recorded.status(), recorded.reason(), recorded.amount(),
                recorded.currency(), recorded.evidenceDueBy() == null ? null
                : recorded.evidenceDueBy().toInstant(ZoneOffset.UTC), invoiceId, "recorded"));
    }

    /** The invoice a refund of this charge named. */
    private Optional<String> invoiceOfCharge(String chargeId) {
        if (chargeId == null) {
            return Optional.empty();
        }
        List<String> invoices = em.createQuery("SELECT a.stripeInvoiceId FROM InvoiceAdjustment a WHERE a.chargeId = :c "
                        + "AND a.stripeInvoiceId IS NOT NULL ORDER BY a.stripeInvoiceId", String.class)
                .setParameter("c", chargeId).setMaxResults(1).getResultList();
        return invoices.stream().findFirst();
    }

    private Optional<JsonObject> fetch(String disputeId) throws StripeException {
        if (!stripe.isConfigured()) {
            return Optional.empty();
        }
        try (var reader = Json.createReader(new StringReader(stripe.retrieveDisputeJson(disputeId)))) {
            return Optional.of(reader.readObject());
        } catch (InvalidRequestException e) {
            if (Integer.valueOf(404).equals(e.getStatusCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String reference(JsonObject object, String name) {
        return object.get(name) instanceof JsonString s ? s.getString()
                : object.get(name) instanceof JsonObject o && o.get("id") instanceof JsonString s ? s.getString() : null;
    }
}
