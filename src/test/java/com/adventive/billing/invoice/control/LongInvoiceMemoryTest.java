package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Production gives the worker a 512 MiB heap and renders two invoices at a time, so a long invoice
 * must not need the heap for itself. The renderer lays a long line table out in batches and keeps
 * only each page's drawn content, not the whole document's layout: a 10,000-line invoice (314
 * pages) renders in a JVM whose whole heap is 128 MiB, fonts and all. The html2pdf renderer it
 * replaced needed ~250 MiB of live heap for the same invoice and died here of OutOfMemoryError.
 */
class LongInvoiceMemoryTest {

    @Test
    void aTenThousandLineInvoiceRendersIn128MiB() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), LongInvoiceProbe.class.getName(), "10000")
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(300, TimeUnit.SECONDS), "probe JVM did not finish");

        assertEquals(0, child.exitValue(), () -> "the probe failed (out of memory?):\n" + tail(output));
        assertTrue(output.contains("pages=314 "), () -> tail(output));
    }

    private static String tail(String output) {
        return output.length() > 3000 ? output.substring(output.length() - 3000) : output;
    }
}
