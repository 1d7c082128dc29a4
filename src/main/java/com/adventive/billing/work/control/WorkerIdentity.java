package com.adventive.billing.work.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.UUID;

/**
 * Who claims work: a stable name for this server instance (WORKER_ID, the same across restarts)
 * and an id for this run of it (new at every start). A claim records both, so after a restart the
 * items an earlier run of this very instance held are known to be orphaned and resume at once,
 * while the live claims of other instances on the same database are left alone.
 */
@ApplicationScoped
public class WorkerIdentity {

    private final String runId = UUID.randomUUID().toString();
    private final LocalDateTime startedAt = Clock.nowUtc();

    @Inject
    Settings settings;

    private volatile String workerId;

    /** New at every start of the application. */
    public String runId() {
        return runId;
    }

    /** When this run started (UTC): queue messages sent before it may have died with the previous run. */
    public LocalDateTime startedAt() {
        return startedAt;
    }

    /** Resolved once: a claim must name the same instance for the whole run. */
    public String workerId() {
        String id = workerId;
        if (id == null) {
            id = settings.workerId().orElseGet(() -> defaultWorkerId(hostName(), System.getProperty("user.dir", "")));
            workerId = id;
        }
        return id;
    }

    /**
     * Host name plus a hash of the server directory (Liberty runs in its server directory): two
     * servers on one host differ by directory, two hosts by name, and a restarted server keeps its name.
     */
    static String defaultWorkerId(String host, String serverDir) {
        String safeHost = host == null || host.isBlank() ? "host" : host.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safeHost.length() > 180) {
            safeHost = safeHost.substring(0, 180);
        }
        return safeHost + ":" + Texts.sha256Hex(serverDir.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "host";
        }
    }

}
