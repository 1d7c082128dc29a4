package com.adventive.billing.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a {@code POST /usage} batch's worker CPU goes, from a JFR recording of the server during the
 * usage benchmark's ingest ({@code -Dbench.usage.profile=DIR}): every execution sample of the server
 * is put in the first phase whose marker method (a prefix) is on its stack, innermost phases first,
 * so the shares add up to 100 %. With the worker's CPU per batch it gives milliseconds per phase.
 *
 * <pre>
 * java -cp CLASSPATH com.adventive.billing.bench.UsageIngestHotspots ingest.jfr [worker-cpu-ms-per-batch]
 * </pre>
 */
public final class UsageIngestHotspots {

    /** Phase name → marker prefixes; checked in this order, so a sample goes to the most specific one. */
    private static final Map<String, List<String>> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put("usage reporting alongside (waker, handler, Stripe calls)", List.of(
                "com.adventive.billing.usage.control.UsageReportHandler", "com.adventive.billing.usage.boundary.UsageReportWaker",
                "com.adventive.billing.work.control.WorkRunner", "com.adventive.billing.work.boundary.", "com.stripe."));
        PHASES.put("admin gate: authentication", List.of("com.adventive.billing.admin.control.AdminAuthenticator",
                "com.adventive.billing.admin.boundary.AdminResourceGate"));
        PHASES.put("admin gate: audit row", List.of("com.adventive.billing.admin.control.AuditLog"));
        PHASES.put("admin gate: the rest (path, body peek for a target)", List.of(
                "com.adventive.billing.admin.boundary.AdminAuthFilter"));
        PHASES.put("JSON parse into submissions", List.of("com.adventive.billing.usage.boundary.UsageResource.submissions"));
        PHASES.put("query: accounts", List.of("com.adventive.billing.usage.control.UsageLedger.accounts"));
        PHASES.put("query: keys already stored", List.of("com.adventive.billing.usage.control.UsageLedger.existing",
                "com.adventive.billing.usage.control.UsageLedger.stored"));
        PHASES.put("insert: usage_record rows (+ ids)", List.of("com.adventive.billing.usage.control.UsageRows"));
        PHASES.put("insert: work_item rows (+ ids)", List.of("com.adventive.billing.work.control.WorkSubmission"));
        PHASES.put("meter identifiers (sha-256)", List.of("com.adventive.billing.usage.entity.UsageKey.meterIdentifier"));
        PHASES.put("per-record checks (period, metric, ids, dates)", List.of(
                "com.adventive.billing.usage.control.UsageLedger.shapeRefusal",
                "com.adventive.billing.usage.control.UsagePeriods"));
        PHASES.put("transaction begin/commit (JTA, JPA flush)", List.of("com.ibm.tx.", "com.ibm.ws.tx.",
                "com.ibm.ws.Transaction.", "org.eclipse.persistence.transaction.",
                "org.eclipse.persistence.internal.sessions.UnitOfWorkImpl.commit"));
        PHASES.put("ingest: the rest (outcomes, maps, CDI interceptors)", List.of(
                "com.adventive.billing.usage.control.UsageLedger.ingest"));
        PHASES.put("answer: JSON writing (JSON-B / JSON-P)", List.of("org.eclipse.yasson.", "org.eclipse.parsson.",
                "com.adventive.billing.usage.boundary.UsageAnswerWriter"));
        PHASES.put("reading the request body", List.of("org.jboss.resteasy.plugins.providers.StringTextStar.readFrom",
                "org.jboss.resteasy.core.MessageBodyParameterInjector.inject"));
        PHASES.put("HTTP and JAX-RS (request handling, filters, the rest)", List.of("org.jboss.resteasy.", "com.ibm.ws.http",
                "com.ibm.ws.webcontainer", "com.ibm.ws.jaxrs"));
    }

    private UsageIngestHotspots() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        double cpuMsPerBatch = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        Map<String, Integer> counts = new LinkedHashMap<>();
        PHASES.keySet().forEach(k -> counts.put(k, 0));
        String other = "other server threads (timers, messaging, Liberty itself)";
        counts.put(other, 0);
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            counts.merge(phaseOf(frames, other), 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples of the server%s%n", file.getFileName(), samples,
                cpuMsPerBatch > 0 ? String.format(Locale.ROOT, "; ms = share of %.0f ms worker CPU per batch", cpuMsPerBatch) : "");
        if (samples == 0) {
            return;
        }
        final int n = samples;
        counts.forEach((phase, count) -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%s%n", 100.0 * count / n,
                cpuMsPerBatch > 0 ? String.format(Locale.ROOT, "%6.1f ms  ", cpuMsPerBatch * count / n) : "", phase));
    }

    private static String phaseOf(List<RecordedFrame> frames, String other) {
        for (Map.Entry<String, List<String>> phase : PHASES.entrySet()) {
            for (RecordedFrame frame : frames) {
                String method = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
                for (String marker : phase.getValue()) {
                    if (method.startsWith(marker)) {
                        return phase.getKey();
                    }
                }
            }
        }
        return other;
    }
}
