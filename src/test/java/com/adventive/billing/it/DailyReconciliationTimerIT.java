package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import jakarta.ejb.Schedule;
import jakarta.ejb.Schedules;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daily reconciliation only happens if the server registers its timer when the application
 * starts. Liberty says how many automatic (@Schedule) timers it created for the module; that must
 * be every one the code declares, and the daily reconciliation's is among them. Its schedule and
 * what a firing does are DailyReconciliationTest's part: the time of day cannot be waited for here.
 */
@BillingIT
class DailyReconciliationTimerIT {

    /** CNTR0219I, as Liberty logs it at every application start. */
    private static final Pattern CREATED_TIMERS = Pattern.compile("CNTR0219I: The server created (\\d+) persistent "
            + "automatic timer or timers and (\\d+) non-persistent automatic timer or timers for the (\\S+) module");

    @Test
    void theServerRegisteredEveryScheduledTimerIncludingTheDailyReconciliation() throws Exception {
        List<Method> scheduled = scheduledMethods();
        assertTrue(scheduled.stream().anyMatch(m -> m.getDeclaringClass().getSimpleName().equals("DailyReconciliation")
                && m.getName().equals("daily")), "the daily reconciliation is declared: " + scheduled);
        long declaredNonPersistent = scheduled.stream().flatMap(m -> schedules(m).stream())
                .filter(s -> !s.persistent()).count();
        long declaredPersistent = scheduled.stream().flatMap(m -> schedules(m).stream())
                .filter(Schedule::persistent).count();

        String log = Files.readString(BillingServer.serverDir().resolve("logs/messages.log"), StandardCharsets.UTF_8);
        Matcher created = CREATED_TIMERS.matcher(log);
        List<String> lines = new ArrayList<>();
        while (created.find()) {
            lines.add(created.group());
            assertEquals("billing-worker.war", created.group(3));
            assertEquals(declaredPersistent, Long.parseLong(created.group(1)), created.group());
            assertEquals(declaredNonPersistent, Long.parseLong(created.group(2)),
                    "every declared non-persistent @Schedule timer was created: " + scheduled);
        }
        assertEquals(1, lines.size(), lines.isEmpty()
                ? "the server created no automatic timers at all (no CNTR0219I), yet the code declares " + scheduled
                : "one application start in this log: " + lines);
    }

    /** Methods under com.adventive.billing (the war's own classes) with @Schedule or @Schedules. */
    private static List<Method> scheduledMethods() throws IOException, URISyntaxException, ClassNotFoundException {
        ClassLoader loader = DailyReconciliationTimerIT.class.getClassLoader();
        // target/classes: six folders up from com/adventive/billing/reconcile/boundary/DailyReconciliation.class
        Path classes = Path.of(loader.getResource("com/adventive/billing/reconcile/boundary/DailyReconciliation.class")
                .toURI()).getParent().getParent().getParent().getParent().getParent().getParent();
        List<Method> methods = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("com/adventive/billing"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                for (Method method : Class.forName(name, false, loader)
                        .getDeclaredMethods()) {
                    if (!schedules(method).isEmpty()) {
                        methods.add(method);
                    }
                }
            }
        }
        return methods;
    }

    private static List<Schedule> schedules(Method method) {
        List<Schedule> schedules = new ArrayList<>();
        if (method.getAnnotation(Schedule.class) != null) {
            schedules.add(method.getAnnotation(Schedule.class));
        }
        if (method.getAnnotation(Schedules.class) != null) {
            schedules.addAll(List.of(method.getAnnotation(Schedules.class).value()));
        }
        return schedules;
    }
}
