package com.adventive.billing.admin.boundary;

import com.adventive.billing.usage.boundary.AdminUsageResource;
import com.adventive.billing.usage.boundary.UsageResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The usage ledger's door is behind the admin gate, before and after matching. */
class UsageGateTest {

    @Test
    void everyUsageResourceMethodIsGated() {
        for (Class<?> resource : new Class<?>[] {UsageResource.class, AdminUsageResource.class}) {
            for (Method method : Arrays.stream(resource.getDeclaredMethods())
                    .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers())).toList()) {
                assertTrue(AdminResourceGate.isAdminResource(resource, method), resource.getSimpleName() + "." + method.getName());
            }
        }
    }

    @Path("/")
    static class Lookalikes {
        @GET
        @Path("usages")
        public String usages() {
            return "";
        }
    }

    @Test
    void onlyTheUsageSegmentItselfIsProtected() throws NoSuchMethodException {
        assertFalse(AdminResourceGate.isAdminResource(Lookalikes.class, Lookalikes.class.getMethod("usages")));
        assertTrue(AdminAuthFilter.isProtectedSegment("usage"));
        assertTrue(AdminAuthFilter.isProtectedSegment("USAGE"));
        assertFalse(AdminAuthFilter.isProtectedSegment("usages"));
        assertFalse(AdminAuthFilter.isProtectedSegment("webhooks"));
    }
}
