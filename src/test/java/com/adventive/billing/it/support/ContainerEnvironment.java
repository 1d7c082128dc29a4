package com.adventive.billing.it.support;

import java.net.URI;

/**
 * The integration-test run as failsafe sets it up (pom.xml): Arquillian's container starts the shared
 * server from the test JVM, so the server inherits the test JVM's environment, and failsafe puts the
 * worker's test configuration there, with ports Maven reserved for the run. The components then
 * listen where that configuration points. Outside such a run (the benchmarks) nothing here applies
 * and the harness picks free ports itself.
 */
final class ContainerEnvironment {

    /** Set by failsafe: the name of the server Arquillian's container starts (arquillian.xml). */
    static final String SERVER_NAME_PROPERTY = "billing.it.server.name";

    private ContainerEnvironment() {
    }

    /** True when Arquillian's container starts the shared server (the integration tests under failsafe). */
    static boolean active() {
        String name = System.getProperty(SERVER_NAME_PROPERTY);
        return name != null && !name.isBlank();
    }

    static String serverName() {
        return System.getProperty(SERVER_NAME_PROPERTY);
    }

    /**
     * The port the environment gives setting {@code key} (a number, or the port of a URL); 0 (pick a
     * free one) when the run is not container-managed.
     */
    static int port(String key) {
        if (!active()) {
            return 0;
        }
        String value = System.getenv(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " is not in the test JVM's environment: failsafe sets it (pom.xml),"
                    + " run the integration tests with mvn verify");
        }
        return value.contains("://") ? URI.create(value).getPort() : Integer.parseInt(value.trim());
    }
}
