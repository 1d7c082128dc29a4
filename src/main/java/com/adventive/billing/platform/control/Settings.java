package com.adventive.billing.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every setting the worker reads, by its external name. Values are looked up on each call, never
 * cached, so a secret rotated in the environment's secrets directory is used by the next request.
 */
@ApplicationScoped
public class Settings {

    public static final String DEFAULT_MAIL_FROM = "billing-noreply@notify.adventive.com";
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    private static final Pattern MAIL_ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");

    @Inject
    Config config;

    public Optional<String> optional(String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String text(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, "must be a whole number, got '" + raw.get() + "'");
        }
        if (value < min || value > max) {
            throw new InvalidSettingException(name, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public boolean flag(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new InvalidSettingException(name, "must be true or false, got '" + raw.get() + "'");
        };
    }

    public List<String> list(String name) {
        return optional(name).stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    // --- Named settings: one place that knows every external name and default. ---

    public Optional<String> stripeSecretKey() {
        return optional("STRIPE_SECRET_KEY");
    }

    public List<String> stripeWebhookSecrets() {
        return list("STRIPE_WEBHOOK_SECRET");
    }

    public Optional<String> stripeApiBase() {
        return optional("STRIPE_API_BASE");
    }

    public Duration workLease() {
        return Duration.ofSeconds(integer("WORK_LEASE_SECONDS", 300, 5, 86_400));
    }

    public Duration workRetryBase() {
        return Duration.ofSeconds(integer("WORK_RETRY_BASE_SECONDS", 30, 1, 3_600));
    }

    public Duration workRetryMax() {
        return Duration.ofSeconds(integer("WORK_RETRY_MAX_SECONDS", 3_600, 1, 86_400));
    }

    public int workMaxAttempts() {
        return integer("WORK_MAX_ATTEMPTS", 8, 1, 100);
    }

    public Duration workSweepInterval() {
        return Duration.ofSeconds(integer("WORK_SWEEP_SECONDS", 15, 1, 3_600));
    }

    /**
     * How long one run of a work item may keep its lease alive by heartbeat. Healthy runs take
     * seconds (every Stripe, bucket and SMTP call has its own timeout); a run still going after this
     * is presumed hung, its lease is left to lapse and another run takes over.
     */
    public Duration workRunMax() {
        return Duration.ofSeconds(integer("WORK_RUN_MAX_SECONDS", 1_800, 10, 86_400));
    }

    /**
     * The stable name of this server instance in work claims (read once at start). Unset: host name
     * plus a hash of the server directory. Two instances sharing a database must never share it.
     */
    public Optional<String> workerId() {
        Optional<String> id = optional("WORKER_ID");
        if (id.isPresent() && !WORKER_ID.matcher(id.get()).matches()) {
            throw new InvalidSettingException("WORKER_ID", "must be 1-200 letters, digits, '.', '_', ':' or '-'");
        }
        return id;
    }

    /** An invoice event older than this has the invoice's status checked with Stripe before it is emailed. */
    public Duration invoiceStatusRecheckAfter() {
        return Duration.ofSeconds(integer("INVOICE_STATUS_RECHECK_SECONDS", 300, 0, 2_592_000));
    }

    /** A plain address (local@domain), so the sender header and Message-ID domain are always well formed. */
    public String mailFrom() {
        String from = text("MAIL_FROM", DEFAULT_MAIL_FROM);
        if (!MAIL_ADDRESS.matcher(from).matches()) {
            throw new InvalidSettingException("MAIL_FROM", "must be a plain email address such as " + DEFAULT_MAIL_FROM);
        }
        return from;
    }

    /** How long one SMTP step (connect, a reply, a write) may take before the send gives up. */
    public Duration smtpTimeout() {
        return Duration.ofSeconds(integer("SMTP_TIMEOUT_SECONDS", 30, 1, 600));
    }

    /** Most renders at once, queue and operators together; the JMS activation spec reads the same value at start. */
    public int renderConcurrency() {
        return integer("RENDER_CONCURRENCY", 2, 1, 64);
    }

    // --- Seller (the block on every invoice) ---

    public String sellerName() {
        return text("SELLER_NAME", "Adventive");
    }

    /** Address lines, separated by ';' in the setting. */
    public List<String> sellerAddressLines() {
        return Arrays.stream(text("SELLER_ADDRESS", "").split(";")).map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    public String sellerEmail() {
        return text("SELLER_EMAIL", "billing@adventive.com");
    }

    public Optional<String> sellerTaxId() {
        return optional("SELLER_TAX_ID");
    }

    // --- Bucket (Cloudflare R2 or any S3 API; a folder when no endpoint is set) ---

    public Optional<String> bucketEndpoint() {
        return optional("BUCKET_ENDPOINT");
    }

    public String bucketRegion() {
        return text("BUCKET_REGION", "auto");
    }

    public String bucketName() {
        return required("BUCKET_NAME", "is required when BUCKET_ENDPOINT is set");
    }

    public String bucketAccessKeyId() {
        return required("BUCKET_ACCESS_KEY_ID", "is required when BUCKET_ENDPOINT is set");
    }

    public String bucketSecretAccessKey() {
        return required("BUCKET_SECRET_ACCESS_KEY", "is required when BUCKET_ENDPOINT is set");
    }

    public String bucketDir() {
        return text("BUCKET_DIR", "data/bucket");
    }

    // --- SMTP (Mailgun's relay in production; an .eml outbox folder when no host is set) ---

    public Optional<String> smtpHost() {
        return optional("SMTP_HOST");
    }

    public int smtpPort() {
        return integer("SMTP_PORT", 587, 1, 65_535);
    }

    public Optional<String> smtpUser() {
        return optional("SMTP_USER");
    }

    public String smtpPassword() {
        return text("SMTP_PASSWORD", "");
    }

    public boolean smtpStartTls() {
        return flag("SMTP_STARTTLS", true);
    }

    public String mailOutboxDir() {
        return text("MAIL_OUTBOX_DIR", "data/outbox");
    }

    // --- Operator access (Cloudflare Access) ---

    public static final String ADMIN_SERVICE_TOKENS = "ADMIN_SERVICE_TOKENS";
    public static final String CF_ACCESS_TEAM_DOMAIN = "CF_ACCESS_TEAM_DOMAIN";
    public static final String CF_ACCESS_AUD = "CF_ACCESS_AUD";
    public static final String CF_ACCESS_CERTS_URL = "CF_ACCESS_CERTS_URL";

    /** Entries of the form {@code <client-id>:<sha256-hex-of-secret>}. */
    public List<String> adminServiceTokens() {
        return list(ADMIN_SERVICE_TOKENS);
    }

    public Optional<String> cfAccessTeamDomain() {
        return optional(CF_ACCESS_TEAM_DOMAIN);
    }

    public List<String> cfAccessAudiences() {
        return list(CF_ACCESS_AUD);
    }

    public Optional<String> cfAccessCertsUrl() {
        return optional(CF_ACCESS_CERTS_URL);
    }

    private String required(String name, String why) {
        return optional(name).orElseThrow(() -> new InvalidSettingException(name, why));
    }

    // --- Invoice lifecycle (payments, dunning) ---

    public static final String DUNNING_EMAILS = "DUNNING_EMAILS";

    /** Whether the worker emails payment_failed notices; off where Stripe's own dunning emails are used. */
    public boolean dunningEmails() {
        return flag(DUNNING_EMAILS, true);
    }

    // --- Payment-method links and Stripe event catch-up (lifecycle). ---

    public static final String STRIPE_CUSTOMER_PORTAL = "STRIPE_CUSTOMER_PORTAL";
    public static final String PAYMENT_METHOD_RETURN_URL = "PAYMENT_METHOD_RETURN_URL";
    private static final Pattern HTTPS_URL = Pattern.compile("https://[^\\s\"<>]{1,1900}");

    /**
     * Whether payment-method links are Stripe Customer Portal sessions (the portal is configured in
     * the Stripe dashboard) or, when false, Checkout sessions in setup mode.
     */
    public boolean stripeCustomerPortal() {
        return flag(STRIPE_CUSTOMER_PORTAL, true);
    }

    /** Where Stripe sends the customer back after updating the payment method. */
    public String paymentMethodReturnUrl() {
        String url = text(PAYMENT_METHOD_RETURN_URL, "https://www.adventive.com/");
        if (!HTTPS_URL.matcher(url).matches()) {
            throw new InvalidSettingException(PAYMENT_METHOD_RETURN_URL, "must be an https:// URL");
        }
        return url;
    }

    // --- Metered usage (usage package). ---

    public static final String USAGE_METRICS = "USAGE_METRICS";
    public static final String USAGE_MAX_QUANTITY = "USAGE_MAX_QUANTITY";
    private static final Pattern USAGE_METRIC_NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
    private static final Pattern METER_EVENT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    /**
     * Metric name → Stripe meter event name, from {@code USAGE_METRICS} ("metric:event_name,…");
     * by default {@code impressions} reports to the meter event name {@code impressions}.
     */
    public java.util.Map<String, String> usageMetrics() {
        String raw = text(USAGE_METRICS, "impressions:impressions");
        java.util.Map<String, String> metrics = new java.util.LinkedHashMap<>();
        for (String entry : raw.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String metric = colon < 0 ? trimmed : trimmed.substring(0, colon).trim();
            String eventName = colon < 0 ? trimmed : trimmed.substring(colon + 1).trim();
            if (!USAGE_METRIC_NAME.matcher(metric).matches() || !METER_EVENT_NAME.matcher(eventName).matches()) {
                throw new InvalidSettingException(USAGE_METRICS,
                        "must be metric:meter_event_name pairs separated by commas, got '" + trimmed + "'");
            }
            metrics.put(metric, eventName);
        }
        return java.util.Collections.unmodifiableMap(metrics);
    }

    /** A usage record's quantity must be below this (a typo guard, not a business limit). */
    public long usageMaxQuantity() {
        return integer(USAGE_MAX_QUANTITY, 1_000_000_000, 1, Integer.MAX_VALUE);
    }

    // --- Email delivery status (Mailgun event webhooks). ---

    public static final String MAILGUN_WEBHOOK_SIGNING_KEY = "MAILGUN_WEBHOOK_SIGNING_KEY";
    public static final String MAILGUN_WEBHOOK_TOLERANCE_SECONDS = "MAILGUN_WEBHOOK_TOLERANCE_SECONDS";

    /** Mailgun's webhook signing key(s); comma-separated while a rotated key and the old one overlap. */
    public List<String> mailgunWebhookSigningKeys() {
        return list(MAILGUN_WEBHOOK_SIGNING_KEY);
    }

    /**
     * How old a Mailgun webhook signature may be. Mailgun resends a delivery we did not accept for about
     * 7.5 hours, reportedly with its original signature (Mailgun's documentation does not say), so the
     * default (8 h) lets those resends in after an outage; each token is accepted once whatever the
     * window, so a longer window allows no replay.
     */
    public Duration mailgunWebhookTolerance() {
        return Duration.ofSeconds(integer(MAILGUN_WEBHOOK_TOLERANCE_SECONDS, 28_800, 60, 259_200));
    }

    // --- Usage reporting pace, managed jobs and credit notes (usage and lifecycle packages). ---

    public static final String USAGE_REPORT_RATE = "USAGE_REPORT_RATE";

    /**
     * Most meter events this instance sends to Stripe per second. Stripe takes up to 1,000 per
     * second in live mode on the v1 meter event endpoint (fewer in a sandbox); the default leaves
     * room for every other Stripe call and for a second instance.
     */
    public int usageReportRate() {
        return integer(USAGE_REPORT_RATE, 100, 1, 1_000);
    }

    // --- Reconciliation (reconcile package). ---

    public static final String LEGACY_DB_KIND = "LEGACY_DB_KIND";
    public static final String LEGACY_INVOICES_SQL = "LEGACY_INVOICES_SQL";
    public static final String LEGACY_PLAN_TIERS_SQL = "LEGACY_PLAN_TIERS_SQL";
    public static final String RECONCILE_STRIPE_BACKOFF_MILLIS = "RECONCILE_STRIPE_BACKOFF_MILLIS";
    public static final String RECONCILE_STRIPE_MAX_RETRIES = "RECONCILE_STRIPE_MAX_RETRIES";
    public static final String RECONCILE_SCHEDULE = "RECONCILE_SCHEDULE";

    /** The legacy system's database: {@code derby} (the embedded sample) or {@code postgresql}; read at start. */
    public String legacyDbKind() {
        return text(LEGACY_DB_KIND, "derby");
    }

    /**
     * The legacy invoices of one period. One {@code ?} parameter (the period, YYYY-MM); columns
     * {@code acct_id, period, amount} (minor units){@code , currency, invoice_ref}. The default
     * reads the embedded sample's {@code legacy_invoice}.
     */
    public String legacyInvoicesSql() {
        return text(LEGACY_INVOICES_SQL, "SELECT acct_id, billing_period AS period, total_minor AS amount, currency, "
                + "invoice_number AS invoice_ref FROM legacy_invoice WHERE billing_period = ? AND status <> 'void'");
    }

    /**
     * Each account's usage price per metric in the legacy plan, one row per tier. No parameter;
     * columns {@code acct_id, metric, tiers_mode} ({@code graduated}/{@code volume}){@code , up_to}
     * (null for the last tier){@code , unit_amount, flat_amount} (minor units, decimals allowed).
     */
    public String legacyPlanTiersSql() {
        return text(LEGACY_PLAN_TIERS_SQL, "SELECT acct_id, metric, tiers_mode, up_to, unit_amount_minor AS unit_amount, "
                + "flat_amount_minor AS flat_amount FROM account_plan_usage");
    }

    /** First wait after a Stripe 429 while listing invoices; doubles per retry of the same page. */
    public long reconcileStripeBackoffMillis() {
        return integer(RECONCILE_STRIPE_BACKOFF_MILLIS, 1_000, 1, 60_000);
    }

    /** Retries of one page after 429 before the run gives up (it resumes from the same page when run again). */
    public int reconcileStripeMaxRetries() {
        return integer(RECONCILE_STRIPE_MAX_RETRIES, 6, 0, 20);
    }
}
