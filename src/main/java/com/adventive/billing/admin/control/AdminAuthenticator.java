package com.adventive.billing.admin.control;

import com.adventive.billing.admin.control.AccessJwtVerifier.AccessSettings;
import com.adventive.billing.admin.entity.AdminPrincipal;
import com.adventive.billing.platform.control.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Decides an admin call from the credentials it carries: 401 when there are none (or half a service
 * token), 403 when they are wrong, otherwise the caller's {@link AdminPrincipal}.
 *
 * <p>Every credential sent for a configured mechanism must verify, so a wrong secret is refused even
 * next to a valid JWT. Credentials for a mechanism that is not configured are ignored when another one
 * verifies: behind Cloudflare Access every request carries a JWT, also where only service tokens are
 * configured. Configuration is read on every call, so a rotated value applies to the next request.
 */
@ApplicationScoped
public class AdminAuthenticator {

    public static final String ADMIN_SERVICE_TOKENS = Settings.ADMIN_SERVICE_TOKENS;
    public static final String CF_ACCESS_TEAM_DOMAIN = Settings.CF_ACCESS_TEAM_DOMAIN;
    public static final String CF_ACCESS_AUD = Settings.CF_ACCESS_AUD;
    public static final String CF_ACCESS_CERTS_URL = Settings.CF_ACCESS_CERTS_URL;

    /** Where Cloudflare publishes a team's signing keys, relative to the team domain. */
    static final String CERTS_PATH = "/cdn-cgi/access/certs";

    @Inject
    Settings settings;

    @Inject
    ServiceTokenVerifier serviceTokens;

    @Inject
    AccessJwtVerifier accessJwts;

    public Decision authenticate(Credentials presented) {
        if (!presented.hasServiceToken() && !presented.hasPartialServiceToken() && !presented.hasAccessJwt()) {
            return Decision.unauthorized("credentials_missing", "Admin calls need a Cloudflare Access service token "
                    + "(CF-Access-Client-Id and CF-Access-Client-Secret) or a Cf-Access-Jwt-Assertion");
        }
        if (presented.hasPartialServiceToken()) {
            return Decision.unauthorized("service_token_incomplete", presented.clientId() == null
                    ? "CF-Access-Client-Secret was sent without CF-Access-Client-Id"
                    : "CF-Access-Client-Id was sent without CF-Access-Client-Secret");
        }
        List<Decision> verdicts = new ArrayList<>();
        List<String> unconfigured = new ArrayList<>();
        if (presented.hasServiceToken()) {
            List<String> entries = settings.adminServiceTokens();
            if (entries.isEmpty()) {
                unconfigured.add("no service tokens are configured (" + ADMIN_SERVICE_TOKENS + ")");
            } else {
                verdicts.add(serviceTokens.verify(entries, presented.clientId(), presented.clientSecret()));
            }
        }
        if (presented.hasAccessJwt()) {
            if (isAccessConfigured()) {
                verdicts.add(verifyAccessJwt(presented.accessJwt()));
            } else {
                unconfigured.add("Cloudflare Access is not configured (" + CF_ACCESS_TEAM_DOMAIN + ", " + CF_ACCESS_AUD + ")");
            }
        }
        Optional<Decision> refusal = verdicts.stream().filter(d -> d instanceof Decision.Refused).findFirst();
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (!verdicts.isEmpty()) {
            return verdicts.get(0);
        }
        return Decision.forbidden("admin_auth_not_configured",
                "The credentials sent cannot be checked: " + String.join("; ", unconfigured));
    }

    private boolean isAccessConfigured() {
        return settings.cfAccessTeamDomain().isPresent()
                || !settings.cfAccessAudiences().isEmpty()
                || settings.cfAccessCertsUrl().isPresent();
    }

    private Decision verifyAccessJwt(String token) {
        Optional<String> teamDomain = settings.cfAccessTeamDomain();
        List<String> audiences = settings.cfAccessAudiences();
        if (teamDomain.isEmpty() || audiences.isEmpty()) {
            return Decision.forbidden("access_not_configured",
                    "Cloudflare Access needs both " + CF_ACCESS_TEAM_DOMAIN + " and " + CF_ACCESS_AUD + " to be set");
        }
        String issuer = issuerOf(teamDomain.get());
        Optional<URL> certsUrl = certsUrl(settings.cfAccessCertsUrl().orElse(issuer + CERTS_PATH));
        if (certsUrl.isEmpty()) {
            return Decision.forbidden("access_not_configured", CF_ACCESS_CERTS_URL + " is not an http(s) URL");
        }
        return accessJwts.verify(new AccessSettings(issuer, new HashSet<>(audiences), certsUrl.get()), token);
    }

    /** Cloudflare's {@code iss} is {@code https://<team>.cloudflareaccess.com}; the setting may omit the scheme. */
    static String issuerOf(String teamDomain) {
        String domain = teamDomain.strip();
        while (domain.endsWith("/")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain.contains("://") ? domain : "https://" + domain;
    }

    static Optional<URL> certsUrl(String value) {
        try {
            URI uri = new URI(value.strip());
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(uri.toURL());
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * What a request presented; blank headers count as absent. {@link #toString()} never shows the
     * secret or the JWT, so a logged or failed assertion cannot leak them.
     */
    public record Credentials(String clientId, String clientSecret, String accessJwt) {

        public Credentials {
            clientId = blankToNull(clientId);
            clientSecret = blankToNull(clientSecret);
            accessJwt = blankToNull(accessJwt);
        }

        public boolean hasServiceToken() {
            return clientId != null && clientSecret != null;
        }

        public boolean hasPartialServiceToken() {
            return (clientId == null) != (clientSecret == null);
        }

        public boolean hasAccessJwt() {
            return accessJwt != null;
        }

        @Override
        public String toString() {
            return "Credentials[clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? "absent" : "(redacted)")
                    + ", accessJwt=" + (accessJwt == null ? "absent" : "(redacted)") + "]";
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }

    /** The outcome of authentication: the caller, or why not (status 401, 403 or 503 and a reason code). */
    public sealed interface Decision {

        record Allowed(AdminPrincipal principal) implements Decision {
        }

        record Refused(int status, String reason, String detail) implements Decision {
        }

        static Decision allowed(AdminPrincipal principal) {
            return new Allowed(principal);
        }

        /** No usable credentials: the caller should authenticate. */
        static Decision unauthorized(String reason, String detail) {
            return new Refused(401, reason, detail);
        }

        /** Credentials were presented and are wrong, or cannot be checked against any configuration. */
        static Decision forbidden(String reason, String detail) {
            return new Refused(403, reason, detail);
        }

        /** The credentials could not be checked right now (signing keys unreachable); retrying may succeed. */
        static Decision unavailable(String reason, String detail) {
            return new Refused(503, reason, detail);
        }
    }
}
