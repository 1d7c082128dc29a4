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
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends one Mailgun event webhook to a running worker, signed the way Mailgun signs them
 * (HMAC-SHA256 over timestamp + token with the webhook signing key, hex), about one email.
 *
 * <p>Run: {@code java scripts/SendMailgunEvent.java EVENT RECIPIENT MESSAGE_ID [baseUrl]} (see
 * scripts/send-mailgun-event.sh). EVENT is delivered, failed-permanent, failed-temporary, complained or
 * unsubscribed; MESSAGE_ID is the email's Message-ID (the dossier's message_id; brackets are taken off,
 * as Mailgun does). The key is found as the worker finds it: SECRETS_DIR/MAILGUN_WEBHOOK_SIGNING_KEY, else
 * the environment (there is no default: a worker without a key answers 503). Exits 1 unless the
 * worker answered 200.
 */
public class SendMailgunEvent {

    public static void main(String[] args) throws Exception {
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
        String base = args.length == 4 ? args[3] : "http://localhost:" + setting("HTTP_PORT").orElse("9080");
        Optional<String> configured = setting("MAILGUN_WEBHOOK_SIGNING_KEY");
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
                + sign(key, now + token) + "\"},\"event-data\":{\"id\":\"sample" + Long.toString(now, 36)
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

    private static String sign(String key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
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
