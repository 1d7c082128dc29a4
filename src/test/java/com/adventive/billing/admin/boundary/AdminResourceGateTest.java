package com.adventive.billing.admin.boundary;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    /** Every resource the application has, found on the class path, so a new one is checked without being listed here. */
    private static List<Class<?>> applicationResources() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.adventive.billing").stream()
                .filter(c -> c.isAnnotatedWith(Path.class))
                .<Class<?>>map(JavaClass::reflect)
                .toList();
    }

    @Test
    void everyResourceMethodServedUnderAdminIsAnAdminResourceWhateverItsPackage() {
        List<Class<?>> adminResources = applicationResources().stream()
                .filter(c -> c.getAnnotation(Path.class).value().replaceFirst("^/", "").startsWith("admin"))
                .toList();
        assertTrue(adminResources.size() >= 6, "found the admin resources: " + adminResources);
        for (Class<?> resource : adminResources) {
            for (Method method : resourceMethods(resource)) {
                assertTrue(AdminResourceGate.isAdminResource(resource, method), resource.getSimpleName() + "." + method.getName());
            }
        }
    }

    @Test
    void theWebhooksAreNot() {
        List<Class<?>> webhooks = applicationResources().stream()
                .filter(c -> c.getAnnotation(Path.class).value().replaceFirst("^/", "").startsWith("webhooks"))
                .toList();
        assertTrue(webhooks.size() >= 2, "found the webhook resources: " + webhooks);
        for (Class<?> resource : webhooks) {
            for (Method method : resourceMethods(resource)) {
                assertFalse(AdminResourceGate.isAdminResource(resource, method), resource.getSimpleName() + "." + method.getName());
            }
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
