package com.adventive.billing.it.support;

import io.openliberty.arquillian.managed.WLPManagedContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;

import java.io.IOException;
import java.nio.file.Files;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Liberty's managed container ({@code arquillian-liberty-managed-jakarta}) with two changes for this
 * suite. Before it launches the server, the components are up and the environment the server will
 * inherit is checked ({@link BillingServer#prepareForContainer}). And the war is deployed once per
 * run, not once per class: Arquillian deploys a class's deployment before the class and undeploys it
 * after, which would restart the worker (Flyway, JMS, timers) for every class; here the first class
 * deploys it, the others find it deployed, and it is undeployed when the container stops.
 *
 * <p>Tests may kill and restart the server through {@link BillingServer}; the war stays in
 * {@code dropins}, so every restart deploys it again. After such a restart the server is not the
 * process the container launched, so the harness stops whatever runs at the end.
 */
public final class SharedWarLibertyContainer extends WLPManagedContainer {

    /**
     * After a test kills the server, the container's JMX client warns every few seconds that its
     * connection is gone until the run ends; that is expected here. Held, so the level stays set.
     */
    private static final Logger JMX_CLIENT_LOG = Logger.getLogger("javax.management.remote.misc");

    static {
        JMX_CLIENT_LOG.setLevel(Level.SEVERE);
    }

    private Archive<?> deployed;
    private ProtocolMetaData deployedMetaData;

    @Override
    public void start() throws LifecycleException {
        try {
            BillingServer.prepareForContainer();
        } catch (RuntimeException e) {
            throw new LifecycleException("The test server cannot start: " + e.getMessage(), e);
        }
        super.start();
    }

    @Override
    public synchronized ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (deployed != null) {
            if (!deployed.getName().equals(archive.getName())) {
                throw new DeploymentException("This suite shares one deployment (" + deployed.getName()
                        + "); a class asked for " + archive.getName());
            }
            return deployedMetaData;
        }
        ProtocolMetaData metaData = super.deploy(archive);
        deployed = archive;
        deployedMetaData = metaData;
        return metaData;
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // Stays deployed for the next class; stop() undeploys it.
    }

    @Override
    public synchronized void stop() throws LifecycleException {
        LifecycleException failure = null;
        try {
            super.stop();
        } catch (LifecycleException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new LifecycleException("Stopping the container failed", e);
        }
        // The container stops only the process it launched; after a test's restart the harness owns the server.
        BillingServer.stopServer();
        if (deployed != null) {
            // No undeploy first: the server is gone. The file goes so that the server directory holds nothing of this run.
            try {
                Files.deleteIfExists(BillingServer.serverDir().resolve("dropins").resolve(deployed.getName()));
            } catch (IOException e) {
                System.err.println("[harness] cannot remove " + deployed.getName() + " from dropins: " + e);
            }
            deployed = null;
        }
        if (failure != null && BillingServer.isRunning()) {
            throw failure;
        }
    }
}
