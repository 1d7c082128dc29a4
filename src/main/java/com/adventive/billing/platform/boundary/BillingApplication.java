package com.adventive.billing.platform.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

@ApplicationPath("/")
@OpenAPIDefinition(info = @Info(title = "billing-worker", version = "1",
        description = "Stripe webhooks in; invoice PDFs, emails and operator tools out."))
public class BillingApplication extends Application {
}
