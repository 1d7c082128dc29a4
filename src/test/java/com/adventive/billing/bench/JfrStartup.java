package com.adventive.billing.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server start's CPU went, from a JFR recording taken from JVM start
 * ({@code scripts/bench-startup.sh --jfr}): Java execution samples by the package of the top frame
 * (self) and by subsystem anywhere on the stack (inclusive), plus the JIT compilers' time. Java 17's
 * {@code jfr} tool has no such view.
 *
 * <pre>
 * java -cp target/test-classes com.adventive.billing.bench.JfrStartup recording.jfr [rows]
 * </pre>
 */
public final class JfrStartup {

    /** Subsystems, by the first frame whose class starts with one of these prefixes (first match wins per prefix). */
    private static final String[][] SUBSYSTEMS = {
            {"our code", "com.adventive."},
            {"Flyway", "org.flywaydb."},
            {"Derby", "org.apache.derby."},
            {"Weld (CDI)", "org.jboss.weld."},
            {"Liberty CDI integration", "com.ibm.ws.cdi."},
            {"annotation scanning (Liberty anno)", "com.ibm.ws.anno."},
            {"SmallRye OpenAPI", "io.smallrye.openapi."},
            {"Liberty OpenAPI", "io.openliberty.microprofile.openapi"},
            {"Jandex", "org.jboss.jandex."},
            {"EclipseLink (JPA)", "org.eclipse.persistence."},
            {"RESTEasy (JAX-RS)", "org.jboss.resteasy."},
            {"messaging engine (SIB)", "com.ibm.ws.sib."},
            {"EJB container", "com.ibm.ws.ejbcontainer."},
            {"Batch (JBatch)", "com.ibm.jbatch."},
            {"persistent executor", "com.ibm.ws.concurrent.persistent."},
            {"SmallRye/MP metrics", "io.smallrye.metrics."},
            {"Liberty metrics", "io.openliberty.microprofile.metrics"},
            {"web container", "com.ibm.ws.webcontainer."},
            {"OSGi (Equinox)", "org.eclipse.osgi."},
            {"Felix SCR (DS)", "org.apache.felix.scr."},
            {"Liberty config", "com.ibm.ws.config."},
            {"Liberty class loading", "com.ibm.ws.classloading."},
            {"Liberty app manager", "com.ibm.ws.app.manager."},
            {"Liberty artifact/zip", "com.ibm.ws.artifact."},
            {"class loading (JDK)", "java.lang.ClassLoader.defineClass"},
            {"zip/jar (JDK)", "java.util.zip."},
            {"XML parsing", "com.sun.org.apache.xerces."},
            {"Handlebars", "com.github.jknack."},
            {"iText", "com.itextpdf."},
            {"Stripe", "com.stripe."},
            {"AWS SDK", "software.amazon."},
    };

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Map<String, Integer> selfByPackage = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Double> compileMs = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.Compilation")) {
                compileMs.merge("C" + (e.getInt("compileLevel") == 4 ? "2" : "1"), e.getDuration().toNanos() / 1e6, Double::sum);
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) continue;
            samples++;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            byThread.merge(thread == null ? "?" : thread.replaceAll("[-#]?\\d+", "N"), 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            String top = name(frames.get(0));
            selfByPackage.merge(pkg(top), 1, Integer::sum);
            for (String[] s : SUBSYSTEMS) {
                for (RecordedFrame f : frames) {
                    String m = f.getMethod() == null ? "?" : name(f) + "." + f.getMethod().getName();
                    if (m.startsWith(s[1])) { inclusive.merge(s[0], 1, Integer::sum); break; }
                }
            }
        }
        System.out.printf("%d execution samples (Java code only; JIT/GC threads are not sampled)%n", samples);
        print("self time by package (top frame)", selfByPackage, samples, rows);
        print("inclusive, by subsystem anywhere on the stack (a sample may count in several)", inclusive, samples, rows);
        print("by thread (numbers folded)", byThread, samples, 20);
        System.out.println("\nJIT compilations' summed duration (wall, per compiler tier group): " + compileMs);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod() == null || f.getMethod().getType() == null ? "?" : f.getMethod().getType().getName();
    }

    private static String pkg(String cls) {
        String[] parts = cls.split("\\.");
        int n = Math.min(parts.length - 1, 4);
        return n <= 0 ? cls : String.join(".", java.util.Arrays.copyOf(parts, n));
    }

    private static void print(String title, Map<String, Integer> counts, int total, int rows) {
        System.out.println("\n-- " + title + " --");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(en -> System.out.printf("%6.1f%%  %5d  %s%n", 100.0 * en.getValue() / total, en.getValue(), en.getKey()));
    }
}
