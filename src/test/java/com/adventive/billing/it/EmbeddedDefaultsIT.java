package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.StandaloneWorker;
import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfReader;
import com.itextpdf.kernel.pdf.canvas.parser.PdfTextExtractor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.adventive.billing.it.WorkAssertions.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's first steps, as a new user takes them: the worker on its embedded defaults (Derby,
 * embedded messaging, a bucket folder, an .eml outbox), started with STRIPE_WEBHOOK_SECRET,
 * BUCKET_DIR and MAIL_OUTBOX_DIR in its environment, and events sent with the repo's own
 * {@code scripts/send-sample-event.sh}. The PDFs and emails must land where the environment
 * pointed, nowhere else, once per invoice, with two workers running at once on Derby.
 *
 * <p>HTTP_PORT comes from SECRETS_DIR while the environment names another port: a mounted file
 * outranks the environment for the server-level settings too, for the worker and the script alike.
 */
@Tag("integration")
class EmbeddedDefaultsIT {

    private static final int INVOICES = 12;
    private static final Pattern FAILED_ATTEMPT = Pattern.compile("Work item \\d+ attempt \\d+ failed");
    private static final Duration WORKED_OFF = Duration.ofMinutes(4);
    private static final Pattern BUCKET_KEY = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.pdf");

    @Test
    void secretBucketAndOutboxComeFromTheEnvironmentAndEveryInvoiceIsDeliveredOnce() throws Exception {
        Path work = StandaloneWorker.freshDir("embedded-defaults");
        Path bucket = work.resolve("bucket-from-env");
        Path outbox = work.resolve("outbox-from-env");
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        String webhookSecret = "whsec_embedded_it_" + UUID.randomUUID().toString().replace("-", "");
        int port = StandaloneWorker.freePort();
        int decoyPort = StandaloneWorker.freePort();
        Files.writeString(secrets.resolve("HTTP_PORT"), Integer.toString(port));
        String operatorId = "it-embedded-operator.access";
        String operatorSecret = UUID.randomUUID().toString();
        Files.writeString(secrets.resolve("ADMIN_SERVICE_TOKENS"),
                operatorId + ":" + sha256(operatorSecret.getBytes(StandardCharsets.UTF_8)));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("STRIPE_WEBHOOK_SECRET", webhookSecret);
        env.put("BUCKET_DIR", bucket.toString());
        env.put("MAIL_OUTBOX_DIR", outbox.toString());
        env.put("RENDER_CONCURRENCY", "2");
        env.put("HTTP_PORT", Integer.toString(decoyPort));
        env.put("HTTPS_PORT", Integer.toString(StandaloneWorker.freePort()));
        env.put("SECRETS_DIR", secrets.toString());

        try (StandaloneWorker worker = StandaloneWorker.create("billingEmbedded", port)) {
            worker.start(env).awaitReady();
            assertTrue(worker.readiness().body().contains("\"database\""), "readiness reports the database");

            // the user's second shell: the same variables as the worker's
            Map<String, String> numbersByInvoice = SampleEventScript.send(INVOICES, Map.of(
                    "STRIPE_WEBHOOK_SECRET", webhookSecret, "HTTP_PORT", Integer.toString(decoyPort),
                    "SECRETS_DIR", secrets.toString()));

            Admin admin = new Admin(worker.baseUrl(), operatorId, operatorSecret);
            awaitAllWorkedOff(admin, numbersByInvoice.size(), worker);

            Map<String, byte[]> pdfByNumber = storedPdfsByInvoiceNumber(bucket, numbersByInvoice.values());
            assertEquals(numbersByInvoice.keySet().size(), pdfByNumber.size());

            List<Path> emails = files(outbox, ".eml");
            assertEquals(INVOICES, emails.size(), "one email per invoice, no second one: " + emails);
            Map<String, Integer> emailsPerNumber = new HashMap<>();
            for (Path eml : emails) {
                MimeMessage message = read(eml);
                assertEquals("ada@example.com", message.getRecipients(Message.RecipientType.TO)[0].toString());
                String number = numberIn(message.getSubject(), numbersByInvoice.values(), eml);
                emailsPerNumber.merge(number, 1, Integer::sum);
                byte[] attachment = pdfAttachment(message, eml);
                assertArrayEquals(pdfByNumber.get(number), attachment,
                        eml + ": the attachment is the PDF stored for " + number);
            }
            numbersByInvoice.values().forEach(number ->
                    assertEquals(1, emailsPerNumber.getOrDefault(number, 0), "emails for " + number));

            Path serverData = worker.serverDir().resolve("data");
            assertFalse(Files.exists(serverData.resolve("bucket")), "nothing went to the default bucket folder");
            assertFalse(Files.exists(serverData.resolve("outbox")), "nothing went to the default outbox folder");
            everyItemDoneOnItsFirstAttempt(admin, worker);
        }
    }

    /** Until every one of our work items is done; a failed or skipped one fails the test with its error. */
    private static void awaitAllWorkedOff(Admin admin, int expected, StandaloneWorker worker) {
        Await.until(WORKED_OFF, () -> {
            for (String state : List.of("failed", "skipped")) {
                List<JsonObject> items = admin.work(state);
                if (!items.isEmpty()) {
                    fail("work item(s) " + state + ": " + items + "\n" + worker.messagesTail(60));
                }
            }
            return admin.work("done").size() == expected
                    && admin.work("pending").isEmpty() && admin.work("running").isEmpty();
        }, expected + " work items done and none pending or running");
    }

    /** Every PDF in the bucket folder, by the invoice number its text carries; exactly one per invoice. */
    private static Map<String, byte[]> storedPdfsByInvoiceNumber(Path bucket, Iterable<String> numbers) throws IOException {
        List<Path> pdfs = files(bucket, ".pdf");
        Map<String, byte[]> byNumber = new HashMap<>();
        for (Path pdf : pdfs) {
            assertEquals(bucket.resolve("acct_sample"), pdf.getParent(), "stored under the account's prefix: " + pdf);
            assertTrue(BUCKET_KEY.matcher(pdf.getFileName().toString()).matches(), "acct_sample/<uuid>.pdf: " + pdf);
            byte[] bytes = Files.readAllBytes(pdf);
            String number = numberIn(text(bytes), numbers, pdf);
            if (byNumber.put(number, bytes) != null) {
                fail("a second PDF for " + number + ": " + pdfs);
            }
        }
        for (String number : numbers) {
            assertTrue(byNumber.containsKey(number), "a PDF for " + number + " among " + pdfs);
        }
        return byNumber;
    }

    private static String numberIn(String text, Iterable<String> numbers, Path source) {
        List<String> found = new ArrayList<>();
        numbers.forEach(number -> {
            if (Pattern.compile(Pattern.quote(number) + "(?![0-9a-z])").matcher(text).find()) { // -1 is not -11
                found.add(number);
            }
        });
        assertEquals(1, found.size(), source + " names exactly one of our invoices, found " + found + " in: " + text);
        return found.get(0);
    }

    private static String text(byte[] pdf) throws IOException {
        try (PdfDocument document = new PdfDocument(new PdfReader(new ByteArrayInputStream(pdf)))) {
            StringBuilder text = new StringBuilder();
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                text.append(PdfTextExtractor.getTextFromPage(document.getPage(page))).append('\n');
            }
            return text.toString();
        }
    }

    private static MimeMessage read(Path eml) throws Exception {
        try (InputStream in = Files.newInputStream(eml)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }

    private static byte[] pdfAttachment(MimeMessage message, Path eml) throws Exception {
        assertTrue(message.getContent() instanceof Multipart, eml + " is multipart");
        Multipart parts = (Multipart) message.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
                assertTrue(part.isMimeType("application/pdf"), eml + ": attachment type " + part.getContentType());
                assertTrue(part.getFileName().endsWith(".pdf"), eml + ": attachment name " + part.getFileName());
                try (InputStream in = part.getInputStream()) {
                    byte[] bytes = in.readAllBytes();
                    assertEquals("%PDF-", new String(bytes, 0, 5, StandardCharsets.US_ASCII));
                    return bytes;
                }
            }
        }
        return fail(eml + " has no PDF attachment");
    }

    /** Regular files with this extension anywhere below {@code dir}, written in full (no temp files). */
    private static List<Path> files(Path dir, String extension) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(extension))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Two workers on Derby may contend on locks (issue 10 part 5). The delivery assertions above
     * hold either way; a lock timeout is printed for the record, it does not fail this test.
     */
    /**
     * Two workers on Derby must not make each other fail: right after a start, their first inserts
     * used to collide in Derby's identity allocation ("A lock could not be obtained"), and the
     * invoice waited a 30 s retry. A conflict the database rolls back is now run again at once.
     */
    private static void everyItemDoneOnItsFirstAttempt(Admin admin, StandaloneWorker worker) throws IOException {
        List<JsonObject> retried = admin.work("done").stream().filter(item -> item.getInt("attempts") != 1).toList();
        assertTrue(retried.isEmpty(), "work items that needed a retry: " + retried + "\n" + worker.messagesTail(80));
        try (Stream<String> lines = Files.lines(worker.messagesLog(), StandardCharsets.UTF_8)) {
            List<String> failedAttempts = lines.filter(l -> FAILED_ATTEMPT.matcher(l).find()).toList();
            assertTrue(failedAttempts.isEmpty(), "no work attempt failed: " + failedAttempts);
        }
    }

    /** The operator API with a service token from SECRETS_DIR, for the work items' states. */
    private record Admin(String baseUrl, String clientId, String secret) {

        List<JsonObject> work(String state) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/work?state=" + state + "&limit=100"))
                    .timeout(Duration.ofSeconds(30))
                    .header("CF-Access-Client-Id", clientId)
                    .header("CF-Access-Client-Secret", secret)
                    .GET().build();
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("GET /admin/work?state=" + state + ": " + response.statusCode() + " " + response.body());
                }
                JsonObject page = Json.createReader(new StringReader(response.body())).readObject();
                return page.getJsonArray("items").stream().map(JsonValue::asJsonObject).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
