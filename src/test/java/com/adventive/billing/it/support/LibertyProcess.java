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
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An Open Liberty server in the installation that {@code liberty:create} laid out under
 * {@code target/liberty/wlp}, driven through its own {@code bin/server} script, as an operator would.
 *
 * <p>The worker's configuration is passed as the server process's environment, exactly as a user
 * running {@code STRIPE_WEBHOOK_SECRET=… mvn liberty:run} or a container does, so the tests go
 * through the same precedence (SECRETS_DIR, then the environment, then shipped defaults). Nothing
 * is written to {@code server.env}: the server script exports that file over the environment.
 */
final class LibertyProcess {

    /**
     * What the server process inherits from the test JVM: the operating-system basics only. Any
     * other variable of the shell that ran the build (a developer's STRIPE_WEBHOOK_SECRET, or
     * WLP_USER_DIR, JVM_ARGS, JAVA_TOOL_OPTIONS, which would move files or change the JVM) stays out.
     */
    private static final Set<String> INHERITED_VARIABLES = Set.of(
            "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");
    /** A line of server.env that assigns a variable, as the server script reads it. */
    private static final Pattern SERVER_ENV_ASSIGNMENT = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)=");
    /** Files of a server that make up its configuration (not its logs, data or workarea). */
    private static final List<String> CONFIGURATION = List.of(
            "server.xml", "server.env", "bootstrap.properties", "jvm.options", "db", "jdbc", "configDropins",
            "legacy", "tasks");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);

    private final Path wlpDir;
    private final String serverName;
    private final Path commandLog;
    /** The environment the next {@code server start} gives the worker. */
    private Map<String, String> environment = Map.of();

    LibertyProcess(Path wlpDir, String serverName, Path commandLog) {
        this.wlpDir = wlpDir;
        this.serverName = serverName;
        this.commandLog = commandLog;
        if (!Files.isDirectory(serverDir())) {
            throw new IllegalStateException("No Liberty server at " + serverDir()
                    + ": run the build through pre-integration-test (mvn verify), which runs liberty:create");
        }
    }

    /**
     * A second server in the same installation with this one's configuration (server.xml, server.env,
     * db/, jdbc/, configDropins/, jvm.options), in a fresh directory: no data, logs or apps. A server
     * of that name left running by an aborted run is stopped first.
     */
    LibertyProcess copyAs(String name, Path copyCommandLog) {
        Path target = wlpDir.resolve("usr/servers").resolve(name);
        if (Files.isDirectory(target)) {
            LibertyProcess leftOver = new LibertyProcess(wlpDir, name, copyCommandLog);
            leftOver.stop();
            if (leftOver.isAlive()) {
                leftOver.kill();
            }
            HarnessDirs.deleteRecursively(target);
        }
        try {
            Files.createDirectories(target);
            for (String entry : CONFIGURATION) {
                Path source = serverDir().resolve(entry);
                if (Files.exists(source)) {
                    copyRecursively(source, target.resolve(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create server " + name + " from " + serverDir(), e);
        }
        return new LibertyProcess(wlpDir, name, copyCommandLog);
    }

    private static void copyRecursively(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
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

    /**
     * The worker's configuration for the next {@code server start}: the server process gets exactly
     * these variables (plus the operating-system basics), as if a user had exported them.
     */
    void useEnvironment(Map<String, String> env) {
        env.forEach((key, value) -> {
            if (value == null) {
                throw new IllegalArgumentException("no value for " + key + ": leave the key out instead");
            }
        });
        environment = Map.copyOf(env);
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
        refuseSettingsInServerEnv();
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

    /**
     * The server JVM: the live Liberty launcher the pid file names ({@code server start}), else the one
     * running this server of this installation ({@code server run}, as Arquillian's container starts
     * it, writes no pid file).
     */
    Optional<ProcessHandle> process() {
        Optional<ProcessHandle> started = fromPidFile();
        return started.isPresent() ? started : runningThisServer();
    }

    private Optional<ProcessHandle> fromPidFile() {
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

    private Optional<ProcessHandle> runningThisServer() {
        Path installation;
        try {
            installation = wlpDir.toRealPath();
        } catch (IOException e) {
            return Optional.empty();
        }
        // The server script runs the launcher by the installation's real path.
        String launcher = installation.resolve("bin/tools/ws-server.jar").toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments()
                        .map(List::of)
                        .map(args -> args.contains(launcher) && args.contains(serverName))
                        .orElse(false))
                .findFirst();
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

    /**
     * The server script exports server.env over the environment: a worker setting in there would
     * silently beat the test's configuration (how issue 10 hid from the suite). server.env may hold
     * Liberty's own start-up steps only; liberty:create copies the project's liberty/server.env.
     */
    void refuseSettingsInServerEnv() {
        Path serverEnv = serverDir().resolve("server.env");
        if (!Files.exists(serverEnv)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(serverEnv, StandardCharsets.UTF_8)) {
                Matcher assignment = SERVER_ENV_ASSIGNMENT.matcher(line);
                if (assignment.find() && environment.containsKey(assignment.group(1))) {
                    throw new IllegalStateException(serverEnv + " assigns " + assignment.group(1)
                            + ", which would outrank the environment this test gives the server;"
                            + " server.env must not carry settings (rebuild: mvn verify runs liberty:create)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + serverEnv, e);
        }
    }

    private int run(String action) {
        ProcessBuilder builder = new ProcessBuilder(wlpDir.resolve("bin/server").toString(), action, serverName)
                .directory(wlpDir.toFile())
                .redirectErrorStream(true)
                // To a file, never a pipe: the server JVM inherits the script's output and outlives it.
                .redirectOutput(ProcessBuilder.Redirect.appendTo(commandLog.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(INHERITED_VARIABLES);
        env.putAll(environment);
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
