package com.adventive.billing.it;

import com.adventive.billing.it.support.StandaloneWorker;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The repo's {@code scripts/send-sample-event.sh}, run as a user runs it from the project folder,
 * with only the variables a user would have set (the test JVM's own environment stays out).
 */
final class SampleEventScript {

    private static final Pattern SENT_INVOICE = Pattern.compile("invoice: (in_sample\\S+)\\s+number: (SAMPLE-\\S+)");

    private SampleEventScript() {
    }

    /**
     * Posts {@code count} distinct sample invoices at once and asserts every post answered 200 queued.
     * {@code variables}: what the user's shell has, e.g. STRIPE_WEBHOOK_SECRET, HTTP_PORT, SECRETS_DIR.
     * Returns invoice id → invoice number, in the order the script printed them.
     */
    static Map<String, String> send(int count, Map<String, String> variables) throws Exception {
        ProcessBuilder script = new ProcessBuilder("bash", "scripts/send-sample-event.sh", "--count", Integer.toString(count))
                .directory(StandaloneWorker.projectDir().toFile())
                .redirectErrorStream(true);
        Map<String, String> env = script.environment();
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.keySet().retainAll(List.of("HOME", "USER", "LANG", "TMPDIR"));
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + path);
        env.putAll(variables);
        Process process = script.start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("send-sample-event.sh did not finish:\n" + output);
        }
        assertEquals(0, process.exitValue(), "send-sample-event.sh: every post accepted\n" + output);
        assertEquals(count, output.lines().filter(l -> l.startsWith("HTTP 200 ") && l.contains("\"queued\"")).count(), output);
        Map<String, String> numbersByInvoice = new LinkedHashMap<>();
        Matcher sent = SENT_INVOICE.matcher(output);
        while (sent.find()) {
            numbersByInvoice.put(sent.group(1), sent.group(2));
        }
        assertEquals(count, numbersByInvoice.size(), "distinct invoices:\n" + output);
        return numbersByInvoice;
    }
}
