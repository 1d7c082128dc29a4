package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.RecordingOperationalLog;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.webhook.control.StoredEvents;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkDeferred;
import com.adventive.billing.work.entity.WorkState;
import com.stripe.model.Invoice;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * invoice.finalized decides on the invoice's current state when its event may be stale, and waits
 * for another worker's send instead of failing an attempt.
 */
class InvoiceStalenessTest {

    private static final Duration RECHECK_AFTER = Duration.ofMinutes(5);

    private final FakeEvents events = new FakeEvents();
    private Optional<String> stripeKey = Optional.of("sk_test_staleness");
    private final FakeSource source = new FakeSource();
    private final FakeMailer mailer = new FakeMailer();
    private final RecordingOperationalLog log = new RecordingOperationalLog();
    private final InvoiceFinalizedHandler handler = handler();

    @Test
    void aYoungEventOnItsFirstAttemptIsTrustedWithoutAskingStripe() throws Exception {
        assertEquals(WorkState.DONE, handler.handle(context(1, Duration.ofSeconds(30))));
        assertEquals(0, source.statusChecks);
        assertEquals(1, mailer.sends);
    }

    @Test
    void anOldEventIsCheckedAndAVoidedInvoiceIsNotSent() throws Exception {
        source.currentStatus = "void";
        assertEquals(WorkState.SKIPPED, handler.handle(context(1, Duration.ofMinutes(6))));
        assertEquals(1, source.statusChecks);
        assertEquals(0, mailer.sends);
        assertEquals(List.of("invoice_not_deliverable"), log.types);
        assertTrue(log.details.get(0).contains("void") && log.details.get(0).contains("s old"), log.details.get(0));
    }

    @Test
    void aRetriedItemIsCheckedAndAnUncollectibleInvoiceIsNotSent() throws Exception {
        source.currentStatus = "uncollectible";
        assertEquals(WorkState.SKIPPED, handler.handle(context(2, Duration.ofSeconds(10))));
        assertEquals(0, mailer.sends);
        assertTrue(log.details.get(0).contains("attempt 2"), log.details.get(0));
    }

    @Test
    void aDeletedInvoiceIsNotSent() throws Exception {
        source.deleted = true;
        assertEquals(WorkState.SKIPPED, handler.handle(context(1, Duration.ofHours(2))));
        assertEquals(0, mailer.sends);
        assertEquals(List.of("invoice_not_deliverable"), log.types);
    }

    @Test
    void anOldEventWhoseInvoiceIsStillOpenOrPaidIsSent() throws Exception {
        source.currentStatus = "paid";
        assertEquals(WorkState.DONE, handler.handle(context(3, Duration.ofDays(2))));
        assertEquals(1, source.statusChecks);
        assertEquals(1, mailer.sends);
    }

    @Test
    void withoutAStripeKeyARetryIsSentOnTheEventsCopyAndSaysSo() throws Exception {
        stripeKey = Optional.empty();
        source.currentStatus = "void";
        assertEquals(WorkState.DONE, handler.handle(context(2, Duration.ofMinutes(10))));
        assertEquals(0, source.statusChecks, "no Stripe to ask on a local run");
        assertEquals(1, mailer.sends);
        assertEquals(List.of("invoice_status_unchecked"), log.types);
    }

    @Test
    void anotherWorkersSendInProgressDefersTheWork() {
        mailer.inProgress = true;
        WorkDeferred deferred = assertThrows(WorkDeferred.class, () -> handler.handle(context(1, Duration.ZERO)));
        assertTrue(deferred.getMessage().contains("another worker"), deferred.getMessage());
    }

    @Test
    void theRecheckRuleItself() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertTrue(InvoiceFinalizedHandler.recheckReason(1, now.minusSeconds(299), RECHECK_AFTER, now).isEmpty());
        assertTrue(InvoiceFinalizedHandler.recheckReason(1, now.minusSeconds(301), RECHECK_AFTER, now).isPresent());
        assertTrue(InvoiceFinalizedHandler.recheckReason(2, now, RECHECK_AFTER, now).isPresent());
        assertTrue(InvoiceFinalizedHandler.recheckReason(1, null, RECHECK_AFTER, now).isPresent(), "unknown age");
    }

    // --- fakes ---

    /** The work for event evt_1, which Stripe created {@code age} ago. */
    private WorkContext context(int attempt, Duration age) {
        events.occurredAt = Instant.now().minus(age);
        return new WorkContext(1, InvoiceFinalizedHandler.INVOICE_FINALIZED, "evt_1", attempt, "evt_1");
    }

    private InvoiceFinalizedHandler handler() {
        InvoiceFinalizedHandler h = new InvoiceFinalizedHandler();
        h.source = source;
        h.events = events;
        h.invoiceWork = new InvoiceWork();
        h.invoiceWork.preparer = new InvoicePreparer() {
            @Override
            public PreparedInvoice prepare(LoadedInvoice loaded, OperationalContext context) {
                return new PreparedInvoice(loaded.invoice(), null, null, context);
            }
        };
        h.documents = new InvoiceDocuments() {
            @Override
            public StoredPdf ensureStored(BillingInvoice row, InvoiceView view, OperationalContext op) {
                return null;
            }
        };
        h.invoiceWork.mailer = mailer;
        h.operationalLog = log;
        h.settings = new Settings() {
            @Override
            public Duration invoiceStatusRecheckAfter() {
                return RECHECK_AFTER;
            }

            @Override
            public Optional<String> stripeSecretKey() {
                return stripeKey;
            }
        };
        return h;
    }

    static final class FakeEvents extends StoredEvents {
        Instant occurredAt;

        @Override
        public Optional<ReceivedEvent> read(String eventId) {
            return Optional.of(new ReceivedEvent(eventId, InvoiceFinalizedHandler.INVOICE_FINALIZED,
                    "2025-08-27.basil", occurredAt, null));
        }
    }

    static final class FakeSource extends InvoiceSource {
        String currentStatus = "open";
        boolean deleted;
        int statusChecks;

        @Override
        public LoadedInvoice load(ReceivedEvent event) {
            Invoice invoice = new Invoice();
            invoice.setId("in_1");
            invoice.setStatus("open");
            invoice.setCustomerEmail("ap@example.com");
            return new LoadedInvoice(invoice, List.of(), Map.of(), false);
        }

        @Override
        public String currentStatus(String invoiceId) throws InvoiceNotFoundException {
            statusChecks++;
            if (deleted) {
                throw new InvoiceNotFoundException(invoiceId, null);
            }
            return currentStatus;
        }
    }

    static final class FakeMailer extends InvoiceMailer {
        boolean inProgress;
        int sends;

        @Override
        public Outcome send(String template, String dedupeKey, BillingInvoice invoice, InvoiceView view,
                            String recipient, StoredPdf stored, OperationalContext op) throws DeliveryInProgressException {
            if (inProgress) {
                throw new DeliveryInProgressException("<m@example.com>");
            }
            sends++;
            return new Outcome.Sent("<m@example.com>");
        }
    }
}
