package com.adventive.billing.it.support;

import org.jboss.arquillian.container.spi.client.deployment.DeploymentDescription;
import org.jboss.arquillian.container.test.spi.client.deployment.DeploymentScenarioGenerator;
import org.jboss.arquillian.test.spi.TestClass;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The deployment of every {@link BillingIT} class: the war {@code mvn package} built, exactly as it
 * ships (no test classes added), tested from outside over HTTP ({@code testable=false}, so the tests
 * run in the test JVM as clients). Classes need no {@code @Deployment} method of their own.
 */
public final class BillingWarDeployment implements DeploymentScenarioGenerator {

    /** The deployment's name; its archive is named {@code billing-worker.war}, which the server's activation spec id expects. */
    static final String NAME = "billing-worker";

    /** Read once: every class deploys the same archive (and the container deploys it only once). */
    private static WebArchive archive;

    @Override
    public List<DeploymentDescription> generate(TestClass testClass) {
        if (!testClass.isAnnotationPresent(BillingIT.class)) {
            return List.of();
        }
        return List.of(new DeploymentDescription(NAME, builtWar()).shouldBeTestable(false));
    }

    private static synchronized WebArchive builtWar() {
        if (archive != null) {
            return archive;
        }
        Path war = Paths.get(System.getProperty("billing.war",
                HarnessDirs.targetDir().resolve(NAME + ".war").toString()));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("No war at " + war + ": run mvn verify (it packages the war first)");
        }
        archive = ShrinkWrap.createFromZipFile(WebArchive.class, war.toFile());
        return archive;
    }
}
