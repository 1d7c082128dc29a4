package com.adventive.billing.admin.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.admin.control.AdminAuthenticator.Decision;
import com.adventive.billing.admin.entity.AdminPrincipal;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URL;
import java.text.ParseException;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Verifies a Cloudflare Access {@code Cf-Access-Jwt-Assertion} with nimbus-jose-jwt: signature by a key
 * from the team's certs URL (RS256 or ES256 only), {@code iss}, {@code aud}, {@code exp} and {@code nbf}.
 *
 * <p>The keys are cached per certs URL; a token signed with a key id the cache does not know makes
 * nimbus fetch the set again (rate-limited), which is how Cloudflare's key rotation is picked up.
 * A changed certs URL gets a new cache on the next call.
 */
@ApplicationScoped
public class AccessJwtVerifier {

    private static final Logger LOG = Logger.getLogger(AccessJwtVerifier.class.getName());

    static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    static final int HTTP_CONNECT_TIMEOUT_MS = 2_000;
    static final int HTTP_READ_TIMEOUT_MS = 2_000;
    static final int HTTP_SIZE_LIMIT_BYTES = 256 * 1024;
    static final long CACHE_TIME_TO_LIVE_MS = 5 * 60_000;
    static final long CACHE_REFRESH_TIMEOUT_MS = 5_000;
    /** At most two fetches per interval: a stream of made-up key ids cannot hammer the certs endpoint. */
    static final long MIN_REFETCH_INTERVAL_MS = 30_000;

    /** Cloudflare's own tolerance is not published; one minute is nimbus's default and covers normal drift. */
    static final int MAX_CLOCK_SKEW_SECONDS = DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS;

    private final ResourceRetriever retriever;
    private final AtomicReference<CachedKeys> cachedKeys = new AtomicReference<>();

    public AccessJwtVerifier() {
        this(new DefaultResourceRetriever(HTTP_CONNECT_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS, HTTP_SIZE_LIMIT_BYTES));
    }

    /** For tests: the certs are fetched through {@code retriever}. */
    AccessJwtVerifier(ResourceRetriever retriever) {
        this.retriever = Objects.requireNonNull(retriever);
    }

    /** What a token must match; built from configuration on every call. */
    public record AccessSettings(String issuer, Set<String> audiences, URL certsUrl) {
        public AccessSettings {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(certsUrl, "certsUrl");
            audiences = Set.copyOf(audiences);
            if (audiences.isEmpty()) {
                throw new IllegalArgumentException("at least one audience is required");
            }
        }
    }

    public Decision verify(AccessSettings settings, String token) {
        SignedJWT signed;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT s)) {
                return refused("access_jwt_unsigned", "The Cf-Access-Jwt-Assertion is not signed (alg none or encrypted)");
            }
            signed = s;
        } catch (ParseException e) {
            return refused("access_jwt_malformed", "The Cf-Access-Jwt-Assertion is not a well-formed JWT");
        }
        if (!ACCEPTED_ALGORITHMS.contains(signed.getHeader().getAlgorithm())) {
            // The key selector refuses these too; checking first gives the caller a precise reason.
            return refused("access_jwt_algorithm_refused", "The Cf-Access-Jwt-Assertion must be signed with RS256 or ES256");
        }
        JWTClaimsSet claims;
        try {
            claims = processor(settings).process(signed, null);
        } catch (BadJWTException e) {
            return claimsRefusal(e, signed, settings);
        } catch (BadJWSException e) {
            return refused("access_jwt_bad_signature", "The Cf-Access-Jwt-Assertion signature does not verify");
        } catch (BadJOSEException | RateLimitReachedException e) {
            return refused("access_jwt_unknown_key", "The Cf-Access-Jwt-Assertion is signed with a key the certs URL does not publish");
        } catch (KeySourceException e) {
            LOG.warning(() -> "Cloudflare Access keys could not be fetched from " + settings.certsUrl() + ": " + Texts.describe(e, 1000));
            return Decision.unavailable("access_keys_unavailable",
                    "The Cloudflare Access signing keys could not be fetched; try again shortly");
        } catch (JOSEException e) {
            return refused("access_jwt_bad_signature", "The Cf-Access-Jwt-Assertion signature could not be verified");
        }
        return principalOf(claims);
    }

    private DefaultJWTProcessor<SecurityContext> processor(AccessSettings settings) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ACCEPTED_ALGORITHMS, keysAt(settings.certsUrl())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audiences(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("iss", "aud", "exp"),
                null);
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    private JWKSource<SecurityContext> keysAt(URL certsUrl) {
        String key = certsUrl.toExternalForm();
        CachedKeys current = cachedKeys.get();
        if (current != null && current.url().equals(key)) {
            return current.source();
        }
        // Two threads may both build one after a URL change; the loser's cache is simply dropped.
        CachedKeys fresh = new CachedKeys(key, JWKSourceBuilder.<SecurityContext>create(certsUrl, retriever)
                .cache(CACHE_TIME_TO_LIVE_MS, CACHE_REFRESH_TIMEOUT_MS)
                // Refresh-ahead would start its own threads, which a Jakarta EE server does not manage.
                .refreshAheadCache(false)
                .rateLimited(MIN_REFETCH_INTERVAL_MS)
                .retrying(true)
                .build());
        cachedKeys.set(fresh);
        return fresh.source();
    }

    private record CachedKeys(String url, JWKSource<SecurityContext> source) {
    }

    /**
     * nimbus has already refused the claims; this only names the reason. The signature was verified
     * before the claims were checked, so reading them here reads what the issuer signed.
     */
    private static Decision claimsRefusal(BadJWTException e, SignedJWT signed, AccessSettings settings) {
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException unreadable) {
            return refused("access_jwt_malformed", "The Cf-Access-Jwt-Assertion claims are not readable");
        }
        Instant now = Instant.now();
        if (e instanceof ExpiredJWTException || isBefore(claims.getExpirationTime(), now.minusSeconds(MAX_CLOCK_SKEW_SECONDS))) {
            return refused("access_jwt_expired", "The Cf-Access-Jwt-Assertion has expired");
        }
        if (claims.getExpirationTime() == null || claims.getIssuer() == null || claims.getAudience().isEmpty()) {
            return refused("access_jwt_claims_missing", "The Cf-Access-Jwt-Assertion lacks one of the iss, aud or exp claims");
        }
        if (isAfter(claims.getNotBeforeTime(), now.plusSeconds(MAX_CLOCK_SKEW_SECONDS))) {
            return refused("access_jwt_not_yet_valid", "The Cf-Access-Jwt-Assertion is not valid yet (nbf is in the future)");
        }
        if (!settings.issuer().equals(claims.getIssuer())) {
            return refused("access_jwt_wrong_issuer", "The Cf-Access-Jwt-Assertion was issued by another Cloudflare Access team");
        }
        if (Collections.disjoint(settings.audiences(), claims.getAudience())) {
            return refused("access_jwt_wrong_audience", "The Cf-Access-Jwt-Assertion was issued for another Access application (aud)");
        }
        return refused("access_jwt_claims_refused", "The Cf-Access-Jwt-Assertion claims were refused");
    }

    /**
     * Cloudflare puts the user's email and id in {@code email} and {@code sub}; a token issued for a
     * service token has an empty {@code sub} and names the token in {@code common_name}.
     */
    private static Decision principalOf(JWTClaimsSet claims) {
        String email = stringClaim(claims, "email");
        String subject = claims.getSubject() != null && !claims.getSubject().isBlank() ? claims.getSubject() : null;
        String id = subject != null ? subject : stringClaim(claims, "common_name");
        if (id == null) {
            id = email;
        }
        if (id == null) {
            return refused("access_jwt_no_identity", "The Cf-Access-Jwt-Assertion names no subject, common_name or email");
        }
        return Decision.allowed(AdminPrincipal.accessJwt(id, email));
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            String value = claims.getStringClaim(name);
            return value == null || value.isBlank() ? null : value;
        } catch (ParseException notAString) {
            return null;
        }
    }

    private static boolean isBefore(Date date, Instant instant) {
        return date != null && date.toInstant().isBefore(instant);
    }

    private static boolean isAfter(Date date, Instant instant) {
        return date != null && date.toInstant().isAfter(instant);
    }

    private static Decision refused(String reason, String detail) {
        return Decision.forbidden(reason, detail);
    }
}
