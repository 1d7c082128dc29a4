package com.adventive.billing.it.support;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an integration test class that runs against the real worker in Open Liberty, with the
 * {@link TestComponents} behind it, through Arquillian: Liberty's managed container starts one
 * server per run (arquillian.xml) and deploys the built war into it once ({@link BillingWarDeployment},
 * {@link SharedWarLibertyContainer}); classes share both. The tests run in the test JVM and talk to
 * the worker over HTTP. Test methods may declare {@link Db}, {@link Mailbox}, {@link Bucket},
 * {@link SmtpControl}, {@link StripeApiStub} or {@link WebhookClient} parameters.
 *
 * <p>The order matters: the components start before Arquillian starts the server, and
 * {@link BillingServer} waits for readiness and resets the shared state once the war is deployed.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith({TestComponents.class, ArquillianExtension.class, BillingServer.class})
@Tag("integration")
public @interface BillingIT {
}
