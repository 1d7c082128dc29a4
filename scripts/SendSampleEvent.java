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
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends sample invoice.finalized events to a running worker, signed the way Stripe signs them
 * (v1 = HMAC-SHA256 over "timestamp.body" with the whole whsec_ secret as key).
 *
 * <p>It finds the secret and the port the way the worker does: a file in SECRETS_DIR, else the
 * environment, else the local-run default. So the shell that started the worker with
 * {@code STRIPE_WEBHOOK_SECRET=whsec_… mvn liberty:run} can send with the same variables set.
 *
 * <p>Run: {@code java scripts/SendSampleEvent.java [--count N] [baseUrl]} (see scripts/send-sample-event.sh).
 * With {@code --count N} it posts N distinct invoices at once. Exits 1 unless every post answered 200.
 */
public class SendSampleEvent {

    private static final String LOCAL_WEBHOOK_SECRET = "whsec_local_development_only";

    public static void main(String[] args) throws Exception {
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
            base = "http://localhost:" + setting("HTTP_PORT").orElse("9080");
        }
        String secret = setting("STRIPE_WEBHOOK_SECRET").orElse(LOCAL_WEBHOOK_SECRET).split(",")[0].trim();
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
                    .header("Stripe-Signature", "t=" + now + ",v1=" + sign(secret, now + "." + body))
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

    private static String sign(String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** Same precedence as the worker: SECRETS_DIR/NAME, then the environment; blank counts as unset. */
    private static Optional<String> setting(String name) throws IOException {
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
