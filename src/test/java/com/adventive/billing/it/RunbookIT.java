package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.sha256;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every request in docs/runbook.md against a real server, exactly as written (after filling
 * in the shell variables and the example ids), so the runbook cannot drift from the API.
 */
@BillingIT
class RunbookIT {

    private static final String TOKEN_ID = "runbook-operator.access";
    private static final String TOKEN_SECRET = UUID.randomUUID().toString();
    private static final String EXAMPLE_INVOICE = "in_1THM9xCSGXf35AB6gDkwmE5y";
    private static final String EXAMPLE_WORK_ITEM = "/admin/work/42/retry";

    @BeforeAll
    static void operatorToken() {
        BillingServer.writeSecret("ADMIN_SERVICE_TOKENS",
                TOKEN_ID + ":" + sha256(TOKEN_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void removeToken() {
        BillingServer.removeSecret("ADMIN_SERVICE_TOKENS");
    }

    @Test
    void everyCommandInTheRunbookAnswersAsDocumented(Db db, WebhookClient webhook, Mailbox mailbox,
                                                     StripeApiStub stripe) throws Exception {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("runbook")).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
        var orphan = Fixtures.invoiceFinalized().acctId(null).build();
        stripe.stubCustomer(orphan.customerJson());
        assertEquals(200, webhook.postSigned(orphan.eventJson()).statusCode());
        awaitWorkState(db, orphan.eventId(), "failed");
        long failedWorkId = (Long) db.rows("SELECT id FROM work_item WHERE event_id = ?", orphan.eventId())
                .get(0).get("id");

        List<Curl> commands = Curl.allIn(Files.readString(Path.of("docs/runbook.md")));
        assertTrue(commands.size() >= 12, "the runbook's admin and health commands were found: " + commands.size());
        HttpClient http = HttpClient.newHttpClient();
        for (Curl command : commands) {
            String url = command.url()
                    .replace("$BILLING_URL", BillingServer.baseUrl())
                    .replace(EXAMPLE_INVOICE, invoice.invoiceId())
                    .replace(EXAMPLE_WORK_ITEM, "/admin/work/" + failedWorkId + "/retry");
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
            for (String header : command.headers()) {
                String value = header.replace("${SERVICE_TOKEN_ID}", TOKEN_ID)
                        .replace("${SERVICE_TOKEN_SECRET}", TOKEN_SECRET);
                int colon = value.indexOf(':');
                request.header(value.substring(0, colon).trim(), value.substring(colon + 1).trim());
            }
            String body = command.data() == null ? null : command.data().replace(EXAMPLE_INVOICE, invoice.invoiceId());
            request.method(command.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertTrue(response.statusCode() / 100 == 2, command.source() + "\n→ " + response.statusCode() + " "
                    + response.body());
            if (command.pipesToJq()) {
                JsonStructure json = Json.createReader(new StringReader(response.body())).read();
                for (String field : command.topLevelFieldsUsed()) {
                    assertTrue(json instanceof JsonObject object && object.containsKey(field),
                            "runbook reads ." + field + " but the answer has none:\n" + command.source() + "\n"
                                    + response.body());
                }
            } else {
                assertTrue(response.body().startsWith("%PDF"), "-o saves the PDF: " + command.source());
            }
        }
        assertTrue(mailbox.countTo(invoice.customerEmail()) == 2, "the runbook's resend sent one more email");
    }

    /** One curl command from the runbook: only the options the runbook uses. */
    record Curl(String source, String method, String url, List<String> headers, String data, String jqFilter) {

        boolean pipesToJq() {
            return jqFilter != null;
        }

        /** Fields like .items[] or {pdf, emails} the jq filter reads at the top level. */
        List<String> topLevelFieldsUsed() {
            List<String> fields = new ArrayList<>();
            var dotted = java.util.regex.Pattern.compile("^\\.([a-z_]+)").matcher(jqFilter);
            if (dotted.find()) {
                fields.add(dotted.group(1));
            }
            var projected = java.util.regex.Pattern.compile("^\\{([a-z_, ]+)}$").matcher(jqFilter);
            if (projected.find()) {
                for (String f : projected.group(1).split(",")) {
                    fields.add(f.trim());
                }
            }
            return fields;
        }

        static List<Curl> allIn(String markdown) {
            List<Curl> commands = new ArrayList<>();
            boolean inBash = false;
            StringBuilder pending = new StringBuilder();
            for (String line : markdown.split("\n")) {
                if (line.startsWith("```")) {
                    inBash = line.equals("```bash");
                    continue;
                }
                if (!inBash || line.startsWith("#")) {
                    continue;
                }
                pending.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
                if (!line.endsWith("\\")) {
                    String command = pending.toString().trim();
                    pending.setLength(0);
                    if (command.startsWith("curl ") && command.contains("$BILLING_URL")) {
                        commands.add(parse(command));
                    }
                }
            }
            return commands;
        }

        private static Curl parse(String command) {
            String jq = null;
            String curlPart = command;
            int pipe = command.indexOf("| jq ");
            if (pipe > 0) {
                curlPart = command.substring(0, pipe);
                jq = unquote(command.substring(pipe + 5).trim());
            }
            List<String> words = shellWords(curlPart);
            String method = "GET";
            String url = null;
            String data = null;
            List<String> headers = new ArrayList<>();
            for (int i = 1; i < words.size(); i++) {
                switch (words.get(i)) {
                    case "-s" -> { }
                    case "-X" -> method = words.get(++i);
                    case "-H" -> headers.add(words.get(++i));
                    case "-d" -> data = words.get(++i);
                    case "-o" -> i++;
                    default -> url = words.get(i);
                }
            }
            if (data != null && "GET".equals(method)) {
                method = "POST";
            }
            return new Curl(command, method, url, headers, data, jq);
        }

        private static String unquote(String filter) {
            return filter.startsWith("'") && filter.endsWith("'") ? filter.substring(1, filter.length() - 1) : filter;
        }

        /** Splits like a POSIX shell for '…' and "…" quoting; variables stay literal for substitution. */
        private static List<String> shellWords(String text) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            char quote = 0;
            boolean inWord = false;
            for (char c : text.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }
    }
}
