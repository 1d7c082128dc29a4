package com.adventive.billing.admin.boundary;

import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/** Who made an admin request (set by {@link AdminAuthFilter}), as recorded in operational events. */
final class AdminPrincipals {

    private AdminPrincipals() {
    }

    static String describe(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return principal == null ? "unknown" : principal.getName();
    }
}
