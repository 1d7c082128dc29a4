package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AdminAuthenticator.Credentials;
import com.adventive.billing.admin.control.AdminAuthenticator.Decision;
import com.adventive.billing.admin.control.AdminAuthenticator;
import com.adventive.billing.admin.control.AuditLog;
import com.adventive.billing.admin.entity.AdminPrincipal;
import com.adventive.billing.platform.boundary.ProblemResponses;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The gate in front of every {@code /admin/*} call: authenticates it (401/403 as RFC 9457 problems
 * otherwise) and audits it. Refused calls are audited here, before anything else runs; allowed calls
 * are audited once the response status is known.
 *
 * <p>Pre-matching, so an admin path that matches no resource is refused like any other rather than
 * telling an unauthenticated caller which paths exist. The path string is only the first line of
 * defence: {@link AdminResourceGate} authenticates, after matching, every call that resolved to an
 * admin resource however its path was spelled, so no spelling reaches one unauthenticated.
 * Resources read the caller from the {@link #PRINCIPAL_PROPERTY} request property (also a servlet
 * request attribute) or from {@code @Context SecurityContext#getUserPrincipal()}.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class AdminAuthFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String CLIENT_ID_HEADER = "CF-Access-Client-Id";
    public static final String CLIENT_SECRET_HEADER = "CF-Access-Client-Secret";
    public static final String ACCESS_JWT_HEADER = "Cf-Access-Jwt-Assertion";

    /** The request property (servlet request attribute) holding the caller's {@link AdminPrincipal}. */
    public static final String PRINCIPAL_PROPERTY = AdminPrincipal.REQUEST_PROPERTY;

    /** The first path segment that puts a call behind this filter. */
    static final String ADMIN_SEGMENT = "admin";
    /** First path segments behind this gate: the admin API, and the usage ledger's door (same callers, same audit). */
    static final java.util.Set<String> PROTECTED_SEGMENTS = java.util.Set.of(ADMIN_SEGMENT, "usage");
    static final String REALM = "billing-admin";

    private static final String CALL_PROPERTY = AdminAuthFilter.class.getName() + ".call";
    private static final Logger LOG = Logger.getLogger(AdminAuthFilter.class.getName());

    /** Object ids worth recording as an audit target: Stripe-style ({@code in_…}, {@code acct_…}) or numeric. */
    /**
     * What an audit row may name as its target: a Stripe-style or worker id, a work item number, or
     * (for the suppression list, whose subject is a recipient) one email address.
     */
    private static final Pattern TARGET_ID = Pattern.compile(
            "[a-z]{2,10}_[A-Za-z0-9]{1,200}|[0-9]{1,19}|[^\\s@/,;<>\"]{1,64}@[A-Za-z0-9.-]{1,185}");
    private static final List<String> TARGET_FIELDS =
            List.of("invoice_id", "acct_id", "account_id", "event_id", "work_item_id", "id", "email");
    /** Admin bodies are small; reading more than this for an audit target would not be cheap any more. */
    private static final int MAX_BODY_PEEK = 64 * 1024;

    @Inject
    AdminAuthenticator authenticator;

    @Inject
    AuditLog audit;

    @Override
    public void filter(ContainerRequestContext request) {
        if (isAdminPath(request.getUriInfo().getPathSegments())) {
            authenticate(request);
        }
    }

    /**
     * Authenticates and audits one admin call: refused calls are answered here (401/403/503), allowed
     * ones carry their principal on. Called before matching for every path that reads as
     * {@code /admin/…}, and by {@link AdminResourceGate} after matching for any other spelling that
     * still resolved to an admin resource. Idempotent: a call already authenticated is left alone.
     */
    void authenticate(ContainerRequestContext request) {
        if (request.getProperty(PRINCIPAL_PROPERTY) instanceof AdminPrincipal) {
            return;
        }
        List<PathSegment> segments = request.getUriInfo().getPathSegments();
        Credentials presented = new Credentials(request.getHeaderString(CLIENT_ID_HEADER),
                request.getHeaderString(CLIENT_SECRET_HEADER), request.getHeaderString(ACCESS_JWT_HEADER));
        Decision decision = decide(presented);
        if (decision instanceof Decision.Refused refused) {
            AuditLog.Call call = new AuditLog.Call(request.getMethod(), rawPath(request), targetInPath(segments));
            auditRefusal(presented, call, refused);
            request.abortWith(problemFor(refused));
            return;
        }
        AdminPrincipal principal = ((Decision.Allowed) decision).principal();
        request.setProperty(PRINCIPAL_PROPERTY, principal);
        SecurityContext original = request.getSecurityContext();
        request.setSecurityContext(new AdminSecurityContext(principal, original != null && original.isSecure()));
        request.setProperty(CALL_PROPERTY, new AuditLog.Call(request.getMethod(), rawPath(request), target(request, segments)));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        // Only allowed admin calls carry both; refusals were audited when they were refused.
        if (request.getProperty(PRINCIPAL_PROPERTY) instanceof AdminPrincipal principal
                && request.getProperty(CALL_PROPERTY) instanceof AuditLog.Call call) {
            try {
                audit.allowed(principal, call, response.getStatus());
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Audit record of an allowed admin call could not be stored: "
                        + call.method() + " " + call.path() + " by " + principal.getName(), e);
            }
        }
    }

    private Decision decide(Credentials presented) {
        try {
            return authenticator.authenticate(presented);
        } catch (RuntimeException e) {
            // Fail closed: a call that could not be checked is not let through.
            LOG.log(Level.SEVERE, "Admin authentication failed unexpectedly", e);
            return new Decision.Refused(503, "admin_auth_error", "The credentials could not be checked; try again shortly");
        }
    }

    private void auditRefusal(Credentials presented, AuditLog.Call call, Decision.Refused refused) {
        // The client id is not a secret and is what identifies a misconfigured or probing caller.
        String kind = presented.clientId() != null ? AdminPrincipal.SERVICE_TOKEN
                : presented.hasAccessJwt() ? AdminPrincipal.ACCESS_JWT : null;
        try {
            audit.refused(kind, presented.clientId(), call, refused.status(), refused.reason());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Audit record of a refused admin call could not be stored: "
                    + call.method() + " " + call.path() + " (" + refused.reason() + ")", e);
        }
    }

    static Response problemFor(Decision.Refused refused) {
        Response.ResponseBuilder answer = ProblemResponses.builder(refused.status(),
                ProblemResponses.standardTitle(refused.status()), refused.detail(), refused.reason());
        if (refused.status() == 401) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "CF-Access-Service-Token realm=\"" + REALM
                    + "\", headers=\"" + CLIENT_ID_HEADER + " " + CLIENT_SECRET_HEADER + "\"");
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "CF-Access-Jwt realm=\"" + REALM
                    + "\", headers=\"" + ACCESS_JWT_HEADER + "\"");
        }
        return answer.build();
    }

    /**
     * Whether the path reads as {@code /admin/…}: the first non-empty segment (decoded, matrix
     * parameters aside) is "admin" in any case. Spellings that resolve to an admin resource without
     * reading like this are caught after matching by {@link AdminResourceGate}.
     */
    static boolean isAdminPath(List<PathSegment> segments) {
        for (PathSegment segment : segments) {
            if (!segment.getPath().isEmpty()) {
                return isProtectedSegment(segment.getPath());
            }
        }
        return false;
    }

    static boolean isProtectedSegment(String segment) {
        return PROTECTED_SEGMENTS.contains(segment.toLowerCase(java.util.Locale.ROOT));
    }

    /** The path as sent (without the query), for the audit; never throws on a malformed query. */
    private static String rawPath(ContainerRequestContext request) {
        String path;
        try {
            path = request.getUriInfo().getAbsolutePath().getRawPath();
        } catch (RuntimeException unparseable) {
            path = request.getUriInfo().getPath(false);
        }
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** The object an allowed call is about: an id in the path, in the query, or in a small JSON body. */
    private static String target(ContainerRequestContext request, List<PathSegment> segments) {
        String inPath = targetInPath(segments);
        if (inPath != null) {
            return inPath;
        }
        MultivaluedMap<String, String> query;
        try {
            query = request.getUriInfo().getQueryParameters();
        } catch (RuntimeException undecodable) {
            // a query that cannot be decoded is refused by MalformedRequestFilter; it names no target
            return null;
        }
        for (String field : TARGET_FIELDS) {
            String value = query.getFirst(field);
            if (value != null && TARGET_ID.matcher(value).matches()) {
                return value;
            }
        }
        return targetInBody(request).orElse(null);
    }

    static String targetInPath(List<PathSegment> segments) {
        return segments.stream().map(PathSegment::getPath)
                .filter(p -> TARGET_ID.matcher(p).matches())
                .findFirst().orElse(null);
    }

    /** Reads at most {@value #MAX_BODY_PEEK} bytes of a JSON body and puts them back for the resource. */
    private static Optional<String> targetInBody(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if (!request.hasEntity() || type == null
                || !(type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.getSubtype().endsWith("+json"))) {
            return Optional.empty();
        }
        if (request.getLength() >= MAX_BODY_PEEK) {
            return Optional.empty(); // declared too long to peek at (a usage batch): not read twice
        }
        InputStream original = request.getEntityStream();
        byte[] head;
        try {
            head = original.readNBytes(MAX_BODY_PEEK);
        } catch (IOException e) {
            return Optional.empty();
        }
        request.setEntityStream(new SequenceInputStream(new ByteArrayInputStream(head), original));
        if (head.length == MAX_BODY_PEEK) {
            return Optional.empty();
        }
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(head))) {
            JsonValue body = reader.readValue();
            if (!(body instanceof JsonObject object)) {
                return Optional.empty();
            }
            for (String field : TARGET_FIELDS) {
                JsonValue candidate = object.get(field);
                String value = candidate instanceof JsonString s ? s.getString()
                        : candidate instanceof JsonNumber n && n.isIntegral() ? n.toString()
                        : null;
                if (value != null && TARGET_ID.matcher(value).matches()) {
                    return Optional.of(value);
                }
            }
        } catch (RuntimeException unreadable) {
            // Not our business to judge the body; the resource answers for it.
        }
        return Optional.empty();
    }

    /** Lets resources use the standard {@code @Context SecurityContext} to learn who is calling. */
    private record AdminSecurityContext(AdminPrincipal principal, boolean secure) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            return ADMIN_SEGMENT.equals(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return principal.kind();
        }
    }
}
