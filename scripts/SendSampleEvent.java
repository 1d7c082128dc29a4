import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Sends a sample invoice.finalized event to a running worker, signed the way Stripe signs it
 * (v1 = HMAC-SHA256 over "timestamp.body" with the whole whsec_ secret as key).
 * Run: java scripts/SendSampleEvent.java [baseUrl]   (see scripts/send-sample-event.sh)
 */
public class SendSampleEvent {
    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:" + env("HTTP_PORT", "9080");
        String secret = env("STRIPE_WEBHOOK_SECRET", "whsec_local_development_only").split(",")[0].trim();
        long now = System.currentTimeMillis() / 1000;
        String suffix = Long.toString(now, 36) + Long.toString(System.nanoTime() % 100_000, 36);
        Path template = Path.of("scripts", "sample-invoice-finalized.json");
        String body = Files.readString(template)
                .replace("{{SUFFIX}}", suffix)
                .replace("{{NOW}}", Long.toString(now))
                .replace("{{DUE}}", Long.toString(now + 30 * 86_400))
                .replace("{{PERIOD_START}}", Long.toString(now - 30 * 86_400));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String v1 = HexFormat.of().formatHex(mac.doFinal((now + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", "t=" + now + ",v1=" + v1)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println("HTTP " + response.statusCode() + " " + response.body());
        System.out.println("invoice: in_sample" + suffix + "  (account acct_sample)");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
