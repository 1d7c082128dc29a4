package com.adventive.billing.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Open Liberty server that {@code liberty:create} laid out under {@code target/liberty/wlp},
 * driven through its own {@code bin/server} script, as an operator would.
 */
final class LibertyProcess {

    /** Variables the script honours that would move files or change the JVM; the harness wants defaults. */
    private static final List<String> SCRIPT_VARIABLES_TO_CLEAR = List.of(
            "WLP_USER_DIR", "WLP_OUTPUT_DIR", "PID_DIR", "PID_FILE", "LOG_DIR", "LOG_FILE", "JVM_ARGS",
            "WLP_DEBUG_ADDRESS", "JAVA_TOOL_OPTIONS", "OPENJ9_JAVA_OPTIONS", "IBM_JAVA_OPTIONS");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);

    private final Path wlpDir;
    private final String serverName;
    private final Path commandLog;

    LibertyProcess(Path wlpDir, String serverName, Path commandLog) {
        this.wlpDir = wlpDir;
        this.serverName = serverName;
        this.commandLog = commandLog;
        if (!Files.isDirectory(serverDir())) {
            throw new IllegalStateException("No Liberty server at " + serverDir()
                    + ": run the build through pre-integration-test (mvn verify), which runs liberty:create");
        }
    }

    Path serverDir() {
        return wlpDir.resolve("usr/servers").resolve(serverName);
    }

    Path messagesLog() {
        return serverDir().resolve("logs/messages.log");
    }

    /** Liberty's own pid file: {@code ${WLP_OUTPUT_DIR}/.pid/<server>.pid}, written by {@code server start}. */
    Path pidFile() {
        return wlpDir.resolve("usr/servers/.pid").resolve(serverName + ".pid");
    }

    /** Overwrites {@code server.env}: the script exports each line, over whatever the environment says. */
    void writeServerEnv(Map<String, String> env) {
        StringBuilder text = new StringBuilder("# Written by the integration-test harness (BillingServer); rewritten on every start.\n");
        env.forEach((key, value) -> {
            if (value.contains("\n")) {
                throw new IllegalArgumentException("server.env values are single lines: " + key);
            }
            text.append(key).append('=').append(value).append('\n');
        });
        try {
            Files.writeString(serverDir().resolve("server.env"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write server.env", e);
        }
    }

    /** Copies the war into dropins/, where Liberty deploys it at start. */
    void deploy(Path war) {
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("No war at " + war + ": run mvn package first");
        }
        try {
            Path dropins = Files.createDirectories(serverDir().resolve("dropins"));
            Files.copy(war, dropins.resolve(war.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + war + " into dropins", e);
        }
    }

    void start() {
        int rc = run("start");
        if (rc != 0) {
            throw new IllegalStateException("`server start " + serverName + "` exited with " + rc
                    + " (see " + commandLog + ")\n" + messagesTail(40));
        }
    }

    /** Orderly stop; a server that is not running is fine. Returns once the JVM has exited or 30 s passed. */
    void stop() {
        Optional<ProcessHandle> server = process();
        int rc = run("stop");
        // 0: stopped; 1: was not running.
        if (rc != 0 && rc != 1) {
            throw new IllegalStateException("`server stop " + serverName + "` exited with " + rc + " (see " + commandLog + ")");
        }
        // The script returns when the server says it stopped; the JVM may still be exiting.
        server.ifPresent(p -> awaitExit(p, Duration.ofSeconds(30)));
    }

    private static void awaitExit(ProcessHandle process, Duration max) {
        try {
            process.onExit().get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Still alive: the caller decides (BillingServer kills it).
        }
    }

    /** The server JVM, if the pid file names a live process that is a Liberty launcher. */
    Optional<ProcessHandle> process() {
        try {
            if (!Files.exists(pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            // A stale pid file could name an unrelated process that reused the pid: check what it runs.
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains("ws-server.jar")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean isAlive() {
        return process().isPresent();
    }

    /**
     * SIGKILL to the server JVM: no shutdown hooks, no orderly JMS or transaction shutdown, as a
     * crashed or OOM-killed pod. Waits until the process is gone.
     */
    void kill() {
        ProcessHandle server = process().orElseThrow(() -> new IllegalStateException("Liberty is not running"));
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        awaitExit(server, Duration.ofSeconds(60));
        if (server.isAlive()) {
            throw new IllegalStateException("Liberty (pid " + server.pid() + ") survived SIGKILL");
        }
    }

    String messagesTail(int lines) {
        Path log = messagesLog();
        try {
            if (!Files.exists(log)) {
                return "(no " + log + ")";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- last " + lines + " lines of " + log + " ---\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private int run(String action) {
        ProcessBuilder builder = new ProcessBuilder(wlpDir.resolve("bin/server").toString(), action, serverName)
                .directory(wlpDir.toFile())
                .redirectErrorStream(true)
                // To a file, never a pipe: the server JVM inherits the script's output and outlives it.
                .redirectOutput(ProcessBuilder.Redirect.appendTo(commandLog.toFile()));
        Map<String, String> env = builder.environment();
        SCRIPT_VARIABLES_TO_CLEAR.forEach(env::remove);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Files.createDirectories(commandLog.getParent());
            Files.writeString(commandLog, "\n$ server " + action + " " + serverName + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("`server " + action + "` did not return within " + COMMAND_TIMEOUT);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + wlpDir.resolve("bin/server"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running server " + action, e);
        }
    }
}
