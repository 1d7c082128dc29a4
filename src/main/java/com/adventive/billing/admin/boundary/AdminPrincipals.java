package com.adventive.billing.admin.boundary;

import jakarta.servlet.http.HttpServletRequest;

/** Who made an admin request, as recorded in operational events. */
final class AdminPrincipals {

    private AdminPrincipals() {
    }

    static String describe(HttpServletRequest request) {
        Object principal = request == null ? null : request.getAttribute(AdminAuthFilter.PRINCIPAL_PROPERTY);
        return principal == null ? "unknown" : principal.toString();
    }
}
