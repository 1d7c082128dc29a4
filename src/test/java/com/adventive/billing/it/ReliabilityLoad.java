package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.WebhookClient;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The load of the reliability scenarios: a shuffled mix of signed Stripe events and usage records,
 * sent from many client threads at once, and what the worker answered to each.
 *
 * <p>Mix of {@code total} requests: 35 % {@code invoice.finalized} (each a new invoice with its own
 * customer email), 20 % {@code invoice.paid} of those invoices, 25 % usage records
 * ({@code POST /usage}, one record each), 15 % event types the worker does not handle, and 5 %
 * exact duplicates of the others (same event id, or same usage source id), all shuffled with a
 * fixed seed. Webhooks are signed when sent, as Stripe signs each delivery.
 */
final class ReliabilityLoad {

    static final String[] UNHANDLED_TYPES = {"payout.paid", "balance.available", "product.updated", "price.created",
            "customer.subscription.trial_will_end"};

    enum Kind { FINALIZED, PAID, USAGE, UNHANDLED }

    /** One request to send; a duplicate is the same object listed twice. */
    record Request(Kind kind, String id, String body) {
        boolean usage() {
            return kind == Kind.USAGE;
        }
    }

    /** What was built: the requests in sending order, and the invoices they finalize. */
    record Workload(List<Request> requests, Map<String, String> invoiceToEmail, int duplicates) {
        /** Distinct requests of a kind (a duplicate is not counted again). */
        long count(Kind kind) {
            return requests.stream().filter(r -> r.kind() == kind).map(Request::id).distinct().count();
        }
    }

    private ReliabilityLoad() {
    }

    /** How many requests a scenario sends: {@code -Dreliability.events=1000} for a quick run. */
    static int events(int defaultCount) {
        return Integer.getInteger("reliability.events", defaultCount);
    }

    /** Accounts billed through Stripe, for usage records (the account table is the source of truth). */
    static List<String> stripeAccounts(Db db, int count) {
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            accounts.add(UsageIngestIT.account(db, "stripe"));
        }
        return accounts;
    }

    static Workload build(int total, List<String> usageAccounts, long seed, String tag) {
        Random random = new Random(seed);
        int duplicates = total / 20;
        int unique = total - duplicates;
        int finalized = unique * 35 / 95;
        int paid = Math.min(finalized, unique * 20 / 95);
        int usage = unique * 25 / 95;
        int unhandled = unique - finalized - paid - usage;

        List<Request> requests = new ArrayList<>(total);
        Map<String, String> invoiceToEmail = new LinkedHashMap<>();
        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < finalized; i++) {
            String email = tag + "-" + i + "-" + Fixtures.stripeId("", 6).toLowerCase() + "@customer.example";
            var invoice = Fixtures.invoiceFinalized().customerEmail(email).lines(1 + random.nextInt(3)).build();
            invoices.add(invoice);
            invoiceToEmail.put(invoice.invoiceId(), email);
            requests.add(new Request(Kind.FINALIZED, invoice.eventId(), invoice.eventJson()));
        }
        for (int i = 0; i < paid; i++) {
            var invoice = invoices.get(i);
            String eventId = Fixtures.stripeId("evt_", 24);
            requests.add(new Request(Kind.PAID, eventId, paid(invoice, eventId)));
        }
        String period = YearMonth.now(ZoneOffset.UTC).toString();
        for (int i = 0; i < usage; i++) {
            String sourceId = tag + "-usage-" + i;
            String acct = usageAccounts.get(i % usageAccounts.size());
            requests.add(new Request(Kind.USAGE, sourceId,
                    UsageIngestIT.record(acct, period, "impressions", Integer.toString(1 + random.nextInt(5000)), sourceId)));
        }
        for (int i = 0; i < unhandled; i++) {
            String eventId = Fixtures.stripeId("evt_", 24);
            String type = UNHANDLED_TYPES[i % UNHANDLED_TYPES.length];
            requests.add(new Request(Kind.UNHANDLED, eventId, Json.createObjectBuilder()
                    .add("id", eventId).add("object", "event").add("api_version", Fixtures.DEFAULT_API_VERSION)
                    .add("created", System.currentTimeMillis() / 1000).add("type", type).add("livemode", false)
                    .add("data", Json.createObjectBuilder().add("object", Json.createObjectBuilder()
                            .add("id", Fixtures.stripeId("po_", 24)).add("object", type.substring(0, type.indexOf('.')))))
                    .build().toString()));
        }
        List<Request> originals = List.copyOf(requests);
        for (int i = 0; i < duplicates; i++) {
            requests.add(originals.get(random.nextInt(originals.size())));
        }
        Collections.shuffle(requests, random);
        return new Workload(List.copyOf(requests), invoiceToEmail, duplicates);
    }

    /** The invoice paid: the event's copy with status paid, as InvoiceLifecycleIT builds it. */
    private static String paid(Fixtures.FinalizedInvoice invoice, String eventId) {
        JsonObject event = Fixtures.parse(invoice.eventJson());
        JsonObject object = event.getJsonObject("data").getJsonObject("object");
        long finalizedAt = object.getJsonObject("status_transitions").getJsonNumber("finalized_at").longValue();
        JsonObject changed = Json.createObjectBuilder(object).add("status", "paid")
                .add("amount_paid", invoice.amountDue()).add("amount_remaining", 0).add("attempt_count", 1)
                .addNull("next_payment_attempt")
                .add("status_transitions", Json.createObjectBuilder().add("finalized_at", finalizedAt)
                        .addNull("marked_uncollectible_at").add("paid_at", finalizedAt + 100).addNull("voided_at"))
                .build();
        return Json.createObjectBuilder(event).add("id", eventId).add("type", "invoice.paid")
                .add("data", Json.createObjectBuilder().add("object", changed)).build().toString();
    }

    /**
     * Any {@code GET /v1/invoices/in_…} answers an open invoice: a retried item rechecks its
     * invoice's status with Stripe, and thousands of per-invoice stubs would slow WireMock down.
     * Below the harness's own stubs, so a test's specific stub still wins.
     */
    static StubMapping anyInvoiceIsOpen(StripeApiStub stripe, String sampleInvoiceJson) {
        return stripe.wireMock().stubFor(get(urlPathMatching("/v1/invoices/in_[A-Za-z0-9]+")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("Stripe-Version", StripeApiStub.STRIPE_VERSION)
                        .withBody(sampleInvoiceJson)));
    }

    // --- Sending ---

    /** What happened to one request: the last status (-1: no answer), how many tries, and the answer. */
    record Outcome(Request request, int status, int tries, String body) {
        boolean accepted() {
            return status / 100 == 2;
        }

        /** For usage: the record's status in the answer (accepted, duplicate, …). */
        String usageStatus() {
            JsonObject answer = Json.createReader(new StringReader(body)).readObject();
            return answer.getJsonArray("results").getJsonObject(0).getString("status");
        }
    }

    /** The whole send: every outcome, and when the first request went out and the last 2xx came back. */
    record Sent(List<Outcome> outcomes, long startedNanos, long lastAcceptedNanos, int retries) {
        List<Outcome> notAccepted() {
            return outcomes.stream().filter(o -> !o.accepted()).toList();
        }

        long accepted() {
            return outcomes.stream().filter(Outcome::accepted).count();
        }

        double seconds() {
            return (lastAcceptedNanos - startedNanos) / 1e9;
        }

        Map<Integer, Long> statusCounts() {
            Map<Integer, Long> counts = new java.util.TreeMap<>();
            outcomes.forEach(o -> counts.merge(o.status(), 1L, Long::sum));
            return counts;
        }
    }

    /**
     * Sends a workload to worker {@code baseUrlOf(i)} (request i; e.g. alternating between two
     * instances), from {@code clients} threads. A 5xx or no answer is re-sent, as Stripe re-sends,
     * while {@code resendFor} lasts (zero: never, the caller re-sends later); 4xx is final.
     */
    static final class Sender {
        private final IntFunction<String> baseUrlOf;
        private final int clients;
        private final StripeSigner signer = BillingServer.currentSigner();
        private final AdminClient usageCaller;
        private final AtomicInteger answered = new AtomicInteger();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Sender(IntFunction<String> baseUrlOf, int clients, AdminClient usageCaller) {
            this.baseUrlOf = baseUrlOf;
            this.clients = clients;
            this.usageCaller = usageCaller;
        }

        /** The shared worker only. */
        static Sender toSharedWorker(int clients, AdminClient usageCaller) {
            String url = BillingServer.url("");
            return new Sender(i -> url, clients, usageCaller);
        }

        /** Requests answered for good so far (after any re-sends), for injecting a fault mid-burst. */
        int answered() {
            return answered.get();
        }

        Sent send(List<Request> requests, Duration resendFor, Duration bound) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            AtomicInteger retries = new AtomicInteger();
            Map<Integer, Long> acceptedAt = new ConcurrentHashMap<>();
            long started = System.nanoTime();
            long giveUpAt = started + bound.toNanos();
            try {
                List<Future<Outcome>> futures = new ArrayList<>();
                for (int i = 0; i < requests.size(); i++) {
                    int index = i;
                    futures.add(pool.submit(() -> {
                        Outcome outcome = sendOne(index, requests.get(index), resendFor, giveUpAt, retries);
                        answered.incrementAndGet();
                        if (outcome.accepted()) {
                            acceptedAt.put(index, System.nanoTime());
                        }
                        return outcome;
                    }));
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (Future<Outcome> future : futures) {
                    outcomes.add(future.get());
                }
                long last = acceptedAt.values().stream().mapToLong(Long::longValue).max().orElse(started);
                return new Sent(outcomes, started, last, retries.get());
            } catch (Exception e) {
                throw new AssertionError("sending failed: " + e, e);
            } finally {
                pool.shutdownNow();
            }
        }

        private Outcome sendOne(int index, Request request, Duration resendFor, long giveUpAt, AtomicInteger retries) {
            long resendUntil = Math.min(giveUpAt, System.nanoTime() + resendFor.toNanos());
            int tries = 0;
            long backoff = 200;
            while (true) {
                tries++;
                int status;
                String body;
                try {
                    // A re-send goes to the next worker in turn, as a client whose first address failed tries the next.
                    HttpResponse<String> response = http.send(build(index + tries - 1, request),
                            HttpResponse.BodyHandlers.ofString());
                    status = response.statusCode();
                    body = response.body();
                } catch (IOException e) {
                    status = -1;
                    body = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(request, -1, tries, "interrupted");
                }
                boolean again = (status < 0 || status >= 500) && System.nanoTime() + backoff * 1_000_000 < resendUntil;
                if (!again) {
                    return new Outcome(request, status, tries, body);
                }
                retries.incrementAndGet();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(request, status, tries, body);
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }

        private HttpRequest build(int turn, Request request) {
            String base = baseUrlOf.apply(turn);
            byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (request.usage()) {
                return builder.uri(URI.create(base + "/usage"))
                        .header("CF-Access-Client-Id", usageCaller.clientId())
                        .header("CF-Access-Client-Secret", usageCaller.secret())
                        .build();
            }
            return builder.uri(URI.create(base + WebhookClient.WEBHOOK_PATH))
                    .header("Stripe-Signature", signer.header(body))
                    .build();
        }
    }

    /** Event ids answered 2xx, and usage source ids answered accepted or duplicate. */
    static List<String> acceptedEventIds(Sent sent) {
        return sent.outcomes().stream().filter(o -> o.accepted() && !o.request().usage())
                .map(o -> o.request().id()).distinct().toList();
    }

    static List<String> acceptedUsageSources(Sent sent) {
        return sent.outcomes().stream().filter(o -> o.accepted() && o.request().usage())
                .filter(o -> List.of("accepted", "duplicate").contains(o.usageStatus()))
                .map(o -> o.request().id()).distinct().toList();
    }

    /** One line of the figures, with the machine's load, for docs/reliability.md. */
    static String uptime() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
