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
 * The daily reconciliation only happens if the server sets its persistent timer up when the
 * application starts, and the background timers only if Liberty creates the automatic (@Schedule)
 * ones the code declares. The daily timer is created by the application (not declared), so the
 * application starts with its database down; the server's log says it was set up. Its schedule is
 * DailyReconciliationTest's part, and that it fires is ReconciliationTimerIT's.
 */
@BillingIT
class DailyReconciliationTimerIT {

    /** CNTR0219I, as Liberty logs it at every application start. */
    private static final Pattern CREATED_TIMERS = Pattern.compile("CNTR0219I: The server created (\\d+) persistent "
            + "automatic timer or timers and (\\d+) non-persistent automatic timer or timers for the (\\S+) module");

    private static final Pattern DAILY_SET_UP = Pattern.compile(
            "daily reconciliation timer (created|present) \\(persistent, 06:00 UTC\\)");

    @Test
    void theServerRegisteredEveryScheduledTimerAndSetUpTheDailyReconciliation() throws Exception {
        List<Method> scheduled = scheduledMethods();
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
        assertTrue(DAILY_SET_UP.matcher(log).find(), "the daily reconciliation's persistent timer was set up at start");
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
