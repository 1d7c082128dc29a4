package com.adventive.billing.it.support;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an integration test class that runs against the real worker in Open Liberty, with the
 * {@link TestComponents} behind it. The server starts once per run; classes share it.
 * Test methods may declare {@link Db}, {@link Mailbox}, {@link Bucket}, {@link SmtpControl},
 * {@link StripeApiStub} or {@link WebhookClient} parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith({TestComponents.class, BillingServer.class})
@Tag("integration")
public @interface BillingIT {
}
