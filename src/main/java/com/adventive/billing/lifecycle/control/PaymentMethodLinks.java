package com.adventive.billing.lifecycle.control;

import com.adventive.billing.invoice.control.InvoiceMailer;
import com.adventive.billing.invoice.control.SellerProfile;
import com.adventive.billing.invoice.entity.AccountNotice;
import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.lifecycle.entity.StripeCustomer;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.MailRefusedException;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.io.StringReader;
import java.util.Optional;
import java.util.UUID;

/**
 * A link for the customer to update the payment method: a Stripe Customer Portal session, or a
 * Checkout session in setup mode where the portal is not configured (STRIPE_CUSTOMER_PORTAL=false).
 * Optionally emailed (payment_method_update), once per request. Accounts the legacy system bills
 * get neither: their payment methods are not Stripe's business yet.
 */
@ApplicationScoped
public class PaymentMethodLinks {

    public static final String PORTAL = "portal";
    public static final String CHECKOUT_SETUP = "checkout_setup";

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    Settings settings;

    @Inject
    StripeGateway stripe;

    @Inject
    AccountRecords records;

    @Inject
    InvoiceMailer mailer;

    @Inject
    SellerProfile seller;

    @Inject
    OperationalLog operationalLog;

    /** @param email null when the link was not emailed */
    public record Link(String acctId, String stripeCustomerId, String kind, String url, Emailed email) {
    }

    /** @param outcome sent, or suppressed (the address is on the suppression list: nothing was sent) */
    public record Emailed(String template, String recipient, String messageId, String outcome) {
    }

    public Link create(String acctId, boolean sendEmail, String operator) throws StripeException {
        BillingAccount account = em.find(BillingAccount.class, acctId);
        if (account == null) {
            throw BillingProblem.notFound("account_not_found", "no account " + acctId + " in the account table");
        }
        OperationalContext op = new OperationalContext(null, null, acctId, null);
        if (account.billedByLegacy()) {
            operationalLog.record(op, "double_billing_risk", "payment-method link refused for " + acctId
                    + ": billed by the legacy system (asked by " + operator + ")");
            throw BillingProblem.conflict("legacy_account", "account " + acctId + " is billed by the legacy system; "
                    + "the worker sends it no Stripe payment-method link");
        }
        String customerId = account.stripeCustomerId();
        if (customerId == null) {
            throw BillingProblem.conflict("account_has_no_customer", "account " + acctId
                    + " has no Stripe customer; set it with PUT /admin/accounts/" + acctId);
        }
        Recipient recipient = sendEmail ? recipient(acctId, customerId) : null;
        boolean portal = settings.stripeCustomerPortal();
        String returnUrl = settings.paymentMethodReturnUrl();
        String url = portal ? stripe.createPortalSession(customerId, returnUrl)
                : stripe.createSetupCheckoutSession(customerId, returnUrl, returnUrl);
        String kind = portal ? PORTAL : CHECKOUT_SETUP;
        operationalLog.record(op, "payment_method_link", kind + " session for " + customerId + " by " + operator
                + (sendEmail ? ", emailed" : ""));
        Emailed emailed = sendEmail ? send(acctId, recipient, url, op) : null;
        return new Link(acctId, customerId, kind, url, emailed);
    }

    private Emailed send(String acctId, Recipient recipient, String url, OperationalContext op) {
        // Every request is its own email: its own dedupe key, so a retried send of this request is still one email.
        String dedupeKey = InvoiceMailer.PAYMENT_METHOD_UPDATE + ":" + acctId + ":" + UUID.randomUUID();
        AccountNotice notice = new AccountNotice(seller.current(), acctId, recipient.name(), url);
        try {
            InvoiceMailer.Outcome outcome = mailer.sendAccountNotice(InvoiceMailer.PAYMENT_METHOD_UPDATE, dedupeKey,
                    notice, recipient.email(), op);
            if (outcome instanceof InvoiceMailer.Outcome.Suppressed suppressed) {
                return new Emailed(InvoiceMailer.PAYMENT_METHOD_UPDATE, suppressed.recipient(), null, "suppressed");
            }
            String messageId = outcome instanceof InvoiceMailer.Outcome.Sent sent ? sent.messageId()
                    : ((InvoiceMailer.Outcome.AlreadySent) outcome).messageId();
            return new Emailed(InvoiceMailer.PAYMENT_METHOD_UPDATE, recipient.email(), messageId, "sent");
        } catch (InvoiceMailer.UndeliverableException e) {
            throw new BillingProblem(422, e.reason(), e.getMessage());
        } catch (InvoiceMailer.DeliveryInProgressException e) {
            throw BillingProblem.conflict("send_in_progress", e.getMessage());
        } catch (MailRefusedException e) {
            throw new BillingProblem(502, "smtp_refused", "the SMTP server did not take the email: " + e.getMessage()
                    + "; the link was created, it is safe to ask again", null, e);
        }
    }

    private record Recipient(String email, String name) {
    }

    /** The customer's email as customer.updated last told it, else as Stripe has it now. */
    private Recipient recipient(String acctId, String customerId) throws StripeException {
        Optional<String> known = records.customerOfAccount(acctId).map(StripeCustomer::email);
        if (known.isPresent()) {
            return new Recipient(known.get(), null);
        }
        JsonObject customer;
        try (var reader = Json.createReader(new StringReader(stripe.retrieveCustomerJson(customerId)))) {
            customer = reader.readObject();
        }
        String email = customer.get("email") instanceof JsonString s ? s.getString() : null;
        if (email == null) {
            throw new BillingProblem(422, "recipient_missing", "Stripe customer " + customerId + " has no email; "
                    + "ask without \"email\":true and pass the link on another way");
        }
        return new Recipient(email, customer.get("name") instanceof JsonString n ? n.getString() : null);
    }
}
