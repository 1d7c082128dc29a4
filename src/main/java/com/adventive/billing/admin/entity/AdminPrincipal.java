package com.adventive.billing.admin.entity;

import java.security.Principal;
import java.util.Objects;

/**
 * Who made an admin call, as established by the admin authentication filter.
 *
 * @param kind  {@value #SERVICE_TOKEN} or {@value #ACCESS_JWT}
 * @param id    the service token's client id, or the JWT's subject (its {@code common_name} when
 *              Cloudflare issued it for a service token, whose subject is empty)
 * @param email the JWT's email claim; null for service tokens and for JWTs without one
 */
public record AdminPrincipal(String kind, String id, String email) implements Principal {

    public static final String SERVICE_TOKEN = "service_token";
    public static final String ACCESS_JWT = "access_jwt";

    /** The request property (and, in a servlet container, request attribute) that carries the principal. */
    public static final String REQUEST_PROPERTY = AdminPrincipal.class.getName();

    public AdminPrincipal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static AdminPrincipal serviceToken(String clientId) {
        return new AdminPrincipal(SERVICE_TOKEN, clientId, null);
    }

    public static AdminPrincipal accessJwt(String subject, String email) {
        return new AdminPrincipal(ACCESS_JWT, subject, email);
    }

    /** The name a person reading the audit recognises: the email when there is one, else the id. */
    @Override
    public String getName() {
        return email != null ? email : id;
    }
}
