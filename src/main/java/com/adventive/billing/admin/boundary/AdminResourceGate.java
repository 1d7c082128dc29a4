package com.adventive.billing.admin.boundary;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Objects;

/**
 * The admin gate keyed on what a request resolved to, not on how its path was spelled. After
 * matching, any call answered by a resource served under {@code /admin} (whatever its package:
 * reconciliation lives elsewhere) that {@link AdminAuthFilter} has not already authenticated is
 * authenticated and audited here. Today Liberty and RESTEasy refuse or fail to match every odd
 * spelling tried ({@code /./admin}, {@code /webhooks/../admin}, …); this keeps that true if either
 * ever starts normalizing them.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class AdminResourceGate implements ContainerRequestFilter {

    @Context
    ResourceInfo resourceInfo;

    @Inject
    AdminAuthFilter gate;

    @Override
    public void filter(ContainerRequestContext request) {
        if (isAdminResource(resourceInfo.getResourceClass(), resourceInfo.getResourceMethod())) {
            gate.authenticate(request);
        }
    }

    /**
     * Whether the resource's path template (class {@code @Path} then method {@code @Path}) starts with
     * a protected segment: /admin, or /usage (the usage ledger takes the same callers).
     */
    static boolean isAdminResource(Class<?> resourceClass, Method resourceMethod) {
        String template = pathOf(resourceClass) + "/" + (resourceMethod == null ? "" : pathOf(resourceMethod));
        return Arrays.stream(template.split("/"))
                .map(String::trim)
                .filter(segment -> !segment.isEmpty())
                .findFirst()
                .map(AdminAuthFilter::isProtectedSegment)
                .orElse(false);
    }

    /** The class's @Path, looking through subclasses a container may have generated (CDI proxies). */
    private static String pathOf(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Path path = c.getAnnotation(Path.class);
            if (path != null) {
                return path.value();
            }
        }
        return "";
    }

    private static String pathOf(Method method) {
        Path path = method.getAnnotation(Path.class);
        return path == null ? "" : Objects.requireNonNullElse(path.value(), "");
    }
}
