package com.adventive.billing.it.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * s3proxy brings logback onto the test classpath, and logback without a configuration file logs
 * everything at DEBUG: Jetty, jclouds and WireMock would bury the test output in thousands of lines.
 */
final class QuietLogging {

    private QuietLogging() {
    }

    static void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            // WireMock's Jetty warns that it wants more acceptor threads than a 2-core machine has.
            logback.getLogger("org.eclipse.jetty.server.AbstractConnector").setLevel(Level.ERROR);
        }
    }
}
