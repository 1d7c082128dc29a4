package com.adventive.billing.admin.boundary;

import com.adventive.billing.reconcile.boundary.ReconcileResource;
import com.adventive.billing.webhook.boundary.StripeWebhookResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which resolved resources the post-matching gate treats as admin: by their path template, not their package. */
class AdminResourceGateTest {

    @Test
    void everyResourceMethodServedUnderAdminIsAnAdminResourceWhateverItsPackage() {
        for (Class<?> resource : List.of(AdminWorkResource.class, AdminInvoiceResource.class,
                AdminOperationalEventsResource.class, ReconcileResource.class)) {
            for (Method method : resourceMethods(resource)) {
                assertTrue(AdminResourceGate.isAdminResource(resource, method), resource.getSimpleName() + "." + method.getName());
            }
        }
    }

    @Test
    void theWebhookIsNot() {
        for (Method method : resourceMethods(StripeWebhookResource.class)) {
            assertFalse(AdminResourceGate.isAdminResource(StripeWebhookResource.class, method), method.getName());
        }
    }

    @Path("/")
    static class RootResource {
        @GET
        @Path("admin/hidden")
        public String hidden() {
            return "";
        }

        @GET
        @Path("administrator")
        public String lookalike() {
            return "";
        }
    }

    /** A CDI container may hand out a generated subclass without the annotation. */
    static class ProxiedWork extends AdminWorkResource {
    }

    @Test
    void theTemplateIsClassThenMethodAndAProxySubclassIsSeenThrough() throws NoSuchMethodException {
        assertTrue(AdminResourceGate.isAdminResource(RootResource.class, RootResource.class.getMethod("hidden")));
        assertFalse(AdminResourceGate.isAdminResource(RootResource.class, RootResource.class.getMethod("lookalike")));
        assertTrue(AdminResourceGate.isAdminResource(ProxiedWork.class, null));
    }

    private static List<Method> resourceMethods(Class<?> resource) {
        return Arrays.stream(resource.getDeclaredMethods())
                .filter(m -> Arrays.stream(m.getAnnotations()).anyMatch(a ->
                        a.annotationType().getAnnotation(jakarta.ws.rs.HttpMethod.class) != null))
                .toList();
    }
}
