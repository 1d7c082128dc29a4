package com.adventive.billing.it.support;

import io.openliberty.arquillian.managed.WLPManagedContainer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.test.spi.client.deployment.DeploymentScenarioGenerator;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * How Arquillian runs a {@link BillingIT} class (registered in
 * {@code META-INF/services/org.jboss.arquillian.core.spi.LoadableExtension}): the class gets the built
 * war as its deployment without declaring one ({@link BillingWarDeployment}), and Liberty's managed
 * container deploys it once for the whole run ({@link SharedWarLibertyContainer}).
 */
public final class BillingArquillianExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeploymentScenarioGenerator.class, BillingWarDeployment.class);
        builder.override(DeployableContainer.class, WLPManagedContainer.class, SharedWarLibertyContainer.class);
    }
}
