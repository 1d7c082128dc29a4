import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Sends signed sample webhooks to a running worker: {@code stripe} (scripts/send-sample-event.sh,
 * invoice.finalized events) or {@code mailgun} (scripts/send-mailgun-event.sh, an event about one
 * email). One source file, so {@code java scripts/SendWebhook.java stripe|mailgun …} runs it without a
 * build, and the two senders find their settings and sign the same way.
 */
public class SendWebhook {

    public static void main(String[] args) throws Exception {
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (args.length == 0 ? "" : args[0]) {
            case "stripe" -> SendSampleEvent.main(rest);
            case "mailgun" -> SendMailgunEvent.main(rest);
            default -> {
                System.err.println("usage: java scripts/SendWebhook.java stripe|mailgun ARGS… "
                        + "(scripts/send-sample-event.sh and scripts/send-mailgun-event.sh say which ARGS)");
                System.exit(2);
            }
        }
    }

    /** Hex HMAC-SHA256 of {@code text} under {@code key}: how Stripe (v1) and Mailgun sign their webhooks. */
    static String hmacSha256Hex(String key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Same precedence as the worker: SECRETS_DIR/NAME, then the environment; blank counts as unset. */
    static Optional<String> setting(String name) throws IOException {
        String dir = System.getenv("SECRETS_DIR");
        if (dir != null && !dir.isBlank()) {
            Path file = Path.of(dir, name);
            if (Files.isRegularFile(file)) {
                return Optional.of(Files.readString(file).strip()).filter(v -> !v.isEmpty());
            }
        }
        return Optional.ofNullable(System.getenv(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}

/**
 * Sends sample invoice.finalized events to a running worker, signed the way Stripe signs them
 * (v1 = HMAC-SHA256 over "timestamp.body" with the whole whsec_ secret as key).
 *
 * <p>It finds the secret and the port the way the worker does: a file in SECRETS_DIR, else the
 * environment, else the local-run default. So the shell that started the worker with
 * {@code STRIPE_WEBHOOK_SECRET=whsec_… mvn liberty:run} can send with the same variables set.
 *
 * <p>Run: {@code scripts/send-sample-event.sh [--count N] [baseUrl]}.
 * With {@code --count N} it posts N distinct invoices at once. Exits 1 unless every post answered 200.
 */
class SendSampleEvent {

    private static final String LOCAL_WEBHOOK_SECRET = "whsec_local_development_only";

    static void main(String[] args) throws Exception {
        int count = 1;
        String base = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--count") && i + 1 < args.length) {
                count = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("-")) {
                System.err.println("usage: send-sample-event.sh [--count N] [base-url]");
                System.exit(2);
            } else {
                base = args[i];
            }
        }
        if (base == null) {
            base = "http://localhost:" + SendWebhook.setting("HTTP_PORT").orElse("9080");
        }
        String secret = SendWebhook.setting("STRIPE_WEBHOOK_SECRET").orElse(LOCAL_WEBHOOK_SECRET).split(",")[0].trim();
        String template = Files.readString(Path.of("scripts", "sample-invoice-finalized.json"));
        long now = System.currentTimeMillis() / 1000;
        String run = Long.toString(now, 36) + Long.toString(System.nanoTime() % 100_000, 36);

        // HTTP/1.1: concurrent posts over an h2c upgrade get GOAWAY from Liberty mid-flight.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> suffixes = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = count == 1 ? run : run + "x" + i;
            String body = template
                    .replace("{{SUFFIX}}", suffix)
                    .replace("{{NOW}}", Long.toString(now))
                    .replace("{{DUE}}", Long.toString(now + 30 * 86_400))
                    .replace("{{PERIOD_START}}", Long.toString(now - 30 * 86_400));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
                    .header("Content-Type", "application/json")
                    .header("Stripe-Signature",
                            "t=" + now + ",v1=" + SendWebhook.hmacSha256Hex(secret, now + "." + body))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            suffixes.add(suffix);
            responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        boolean allAccepted = true;
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = responses.get(i).join();
            allAccepted &= response.statusCode() == 200;
            System.out.println("HTTP " + response.statusCode() + " " + response.body());
            System.out.println("invoice: in_sample" + suffixes.get(i) + "  number: SAMPLE-" + suffixes.get(i)
                    + "  (account acct_sample)");
        }
        System.exit(allAccepted ? 0 : 1);
    }
}

/**
 * Sends one Mailgun event webhook to a running worker, signed the way Mailgun signs them
 * (HMAC-SHA256 over timestamp + token with the webhook signing key, hex), about one email.
 *
 * <p>Run: {@code scripts/send-mailgun-event.sh EVENT RECIPIENT MESSAGE_ID [baseUrl]}. EVENT is delivered,
 * failed-permanent, failed-temporary, complained or unsubscribed; MESSAGE_ID is the email's Message-ID
 * (the dossier's message_id; brackets are taken off, as Mailgun does). The key is found as the worker
 * finds it: SECRETS_DIR/MAILGUN_WEBHOOK_SIGNING_KEY, else the environment (there is no default: a
 * worker without a key answers 503). Exits 1 unless the worker answered 200.
 */
class SendMailgunEvent {

    static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: send-mailgun-event.sh delivered|failed-permanent|failed-temporary|complained|"
                    + "unsubscribed RECIPIENT MESSAGE_ID [base-url]");
            System.exit(2);
        }
        String kind = args[0];
        String event = kind.startsWith("failed-") ? "failed" : kind;
        String severity = kind.startsWith("failed-") ? kind.substring("failed-".length()) : null;
        String recipient = args[1];
        String messageId = args[2].trim().replaceAll("^<|>$", "");
        String base = args.length == 4 ? args[3]
                : "http://localhost:" + SendWebhook.setting("HTTP_PORT").orElse("9080");
        Optional<String> configured = SendWebhook.setting("MAILGUN_WEBHOOK_SIGNING_KEY");
        if (configured.isEmpty()) {
            System.err.println("MAILGUN_WEBHOOK_SIGNING_KEY is not set (nor in SECRETS_DIR): set it to the key the worker "
                    + "was started with");
            System.exit(2);
        }
        String key = configured.get().split(",")[0].trim();

        long now = System.currentTimeMillis() / 1000;
        String token = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 50);
        String failure = "failed".equals(event)
                ? ",\"reason\":\"bounce\",\"delivery-status\":{\"code\":" + ("permanent".equals(severity) ? 550 : 452)
                + ",\"message\":\"" + ("permanent".equals(severity) ? "5.1.1 mailbox does not exist (sample)"
                : "4.2.2 mailbox full (sample)") + "\",\"description\":\"\"}"
                : "";
        String body = "{\"signature\":{\"timestamp\":\"" + now + "\",\"token\":\"" + token + "\",\"signature\":\""
                + SendWebhook.hmacSha256Hex(key, now + token) + "\"},\"event-data\":{\"id\":\"sample"
                + Long.toString(now, 36)
                + "\",\"event\":\"" + json(event) + "\"" + (severity == null ? "" : ",\"severity\":\"" + json(severity) + "\"")
                + ",\"timestamp\":" + now + ".0,\"recipient\":\"" + json(recipient) + "\"" + failure
                + ",\"message\":{\"headers\":{\"message-id\":\"" + json(messageId) + "\",\"to\":\"" + json(recipient)
                + "\"}}}}";
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(base + "/webhooks/mailgun"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("HTTP " + response.statusCode() + " " + response.body());
        System.exit(response.statusCode() == 200 ? 0 : 1);
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
