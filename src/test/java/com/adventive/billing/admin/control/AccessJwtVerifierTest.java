package com.adventive.billing.admin.control;

import com.adventive.billing.admin.control.AccessJwtVerifier.AccessSettings;
import com.adventive.billing.admin.control.AdminAuthenticator.Decision;
import com.adventive.billing.admin.entity.AdminPrincipal;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class AccessJwtVerifierTest {

    static final String ISSUER = "https://adventive.cloudflareaccess.com";
    static final String AUDIENCE = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
    static final String CERTS = ISSUER + "/cdn-cgi/access/certs";

    private final Team team = new Team();
    private final AccessJwtVerifier verifier = new AccessJwtVerifier(team);
    private final AccessSettings settings = settings(CERTS);

    static AccessSettings settings(String certsUrl) {
        try {
            return new AccessSettings(ISSUER, Set.of(AUDIENCE), new URL(certsUrl));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aUserTokenSignedByThePublishedKeyIsAcceptedWithItsEmail() {
        Decision decision = verifier.verify(settings, team.userToken("alice@adventive.com"));
        AdminPrincipal principal = assertInstanceOf(Decision.Allowed.class, decision).principal();
        assertEquals(AdminPrincipal.ACCESS_JWT, principal.kind());
        assertEquals("alice@adventive.com", principal.email());
        assertEquals("a1b2c3d4-user-id", principal.id());
    }

    @Test
    void aServiceTokenJwtIsAcceptedAsItsCommonName() {
        String token = team.sign(team.rsa, claims -> claims.subject("").claim("common_name", "0123abcd.access"));
        AdminPrincipal principal = assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, token)).principal();
        assertEquals("0123abcd.access", principal.id());
        assertEquals(null, principal.email());
    }

    @Test
    void anEs256TokenIsAcceptedToo() {
        String token = team.sign(team.ec, claims -> claims.claim("email", "bob@adventive.com"));
        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, token));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = team.sign(team.rsa, claims -> claims.expirationTime(ago(Duration.ofMinutes(10))));
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_expired");
    }

    @Test
    void aTokenNotValidYetIsRefused() {
        String token = team.sign(team.rsa, claims -> claims.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))));
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_not_yet_valid");
    }

    @Test
    void aTokenForAnotherApplicationIsRefused() {
        String token = team.sign(team.rsa, claims -> claims.audience(List.of("another-application-aud")));
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_wrong_audience");
    }

    @Test
    void aTokenNamingSeveralAudiencesIsAcceptedWhenOneIsOurs() {
        String token = team.sign(team.rsa, claims -> claims.audience(List.of("another-application-aud", AUDIENCE)));
        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, token));
    }

    @Test
    void aTokenFromAnotherTeamIsRefused() {
        String token = team.sign(team.rsa, claims -> claims.issuer("https://someone-else.cloudflareaccess.com"));
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_wrong_issuer");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        String token = team.sign(team.rsa, claims -> claims.expirationTime(null));
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_claims_missing");
    }

    @Test
    void aTokenSignedByAnotherKeyUnderThePublishedKeyIdIsRefused() {
        RSAKey impostor = Team.rsaKey(team.rsa.getKeyID());
        String token = team.sign(impostor, claims -> { });
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_bad_signature");
    }

    @Test
    void aTokenWithAlgNoneIsRefused() {
        String token = new PlainJWT(team.claims().build()).serialize();
        assertRefused(verifier.verify(settings, token), 403, "access_jwt_unsigned");
    }

    @Test
    void aTokenSignedWithAnHmacIsRefused() throws JOSEException {
        // The classic confusion attack: HS256 keyed with something public. Only RS256/ES256 are accepted.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(team.rsa.getKeyID()).build(),
                team.claims().build());
        hmac.sign(new MACSigner(new byte[32]));
        assertRefused(verifier.verify(settings, hmac.serialize()), 403, "access_jwt_algorithm_refused");
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        assertRefused(verifier.verify(settings, "not-a-jwt"), 403, "access_jwt_malformed");
        assertRefused(verifier.verify(settings, "a.b.c"), 403, "access_jwt_malformed");
    }

    @Test
    void anUnknownKeyIdMakesTheVerifierFetchTheKeysAgain() {
        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, team.userToken("alice@adventive.com")));
        assertEquals(1, team.fetches.size());

        RSAKey rotated = Team.rsaKey("rotated-key");
        team.publish(rotated, team.rsa);
        String token = team.sign(rotated, claims -> { });
        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, token));
        assertEquals(2, team.fetches.size(), "one more fetch for the new key id");

        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, token));
        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings, team.userToken("alice@adventive.com")));
        assertEquals(2, team.fetches.size(), "known keys come from the cache");
    }

    @Test
    void aKeyIdNobodyPublishesIsRefusedAndCannotMakeTheVerifierFetchEndlessly() {
        verifier.verify(settings, team.userToken("alice@adventive.com"));
        for (int i = 0; i < 5; i++) {
            String token = team.sign(Team.rsaKey("made-up-" + i), claims -> { });
            assertRefused(verifier.verify(settings, token), 403, "access_jwt_unknown_key");
        }
        assertEquals(2, team.fetches.size(), "at most two fetches per rate-limit interval");
    }

    @Test
    void keysAreCachedPerCertsUrlAndANewUrlIsFetchedOnItsNextUse() {
        verifier.verify(settings, team.userToken("alice@adventive.com"));
        verifier.verify(settings, team.userToken("alice@adventive.com"));
        assertEquals(List.of(CERTS), team.fetches);

        String moved = "https://keys.example.net/certs";
        assertInstanceOf(Decision.Allowed.class, verifier.verify(settings(moved), team.userToken("alice@adventive.com")));
        assertEquals(List.of(CERTS, moved), team.fetches);
    }

    @Test
    void unreachableKeysAreAServiceProblemNotAWrongCredential() {
        team.down = true;
        assertRefused(verifier.verify(settings, team.userToken("alice@adventive.com")), 503, "access_keys_unavailable");
    }

    @Test
    void refusalsNeverRepeatTheToken() {
        String token = team.sign(team.rsa, claims -> claims.audience("another-application-aud"));
        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, verifier.verify(settings, token));
        assertFalse(refused.toString().contains(token), refused.toString());
        assertFalse(refused.detail().contains(AUDIENCE), "configuration values stay out of answers");
    }

    static void assertRefused(Decision decision, int status, String reason) {
        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, decision);
        assertEquals(reason, refused.reason(), refused.detail());
        assertEquals(status, refused.status());
    }

    static Date ago(Duration duration) {
        return Date.from(Instant.now().minus(duration));
    }

    /**
     * A Cloudflare Access team in miniature: its signing keys, the certs document it publishes and
     * the tokens it issues. Serves the certs to the verifier and records every fetch.
     */
    static final class Team implements ResourceRetriever {

        final RSAKey rsa = rsaKey("team-rsa-1");
        final ECKey ec = ecKey("team-ec-1");
        final List<String> fetches = new CopyOnWriteArrayList<>();
        volatile JWKSet published = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));
        volatile boolean down;

        void publish(JWK... keys) {
            List<JWK> publicKeys = new ArrayList<>();
            for (JWK key : keys) {
                publicKeys.add(key.toPublicJWK());
            }
            published = new JWKSet(publicKeys);
        }

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            fetches.add(url.toExternalForm());
            if (down) {
                throw new IOException("connection refused");
            }
            return new Resource(published.toString(true), "application/json");
        }

        JWTClaimsSet.Builder claims() {
            Instant now = Instant.now();
            return new JWTClaimsSet.Builder()
                    .issuer(ISSUER)
                    .audience(List.of(AUDIENCE))
                    .subject("a1b2c3d4-user-id")
                    .issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        }

        String userToken(String email) {
            return sign(rsa, claims -> claims.claim("email", email));
        }

        String sign(JWK key, Consumer<JWTClaimsSet.Builder> adjust) {
            JWTClaimsSet.Builder claims = claims();
            adjust.accept(claims);
            try {
                JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                        claims.build());
                jwt.sign(key instanceof ECKey ecKey ? new ECDSASigner(ecKey) : new RSASSASigner((RSAKey) key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        static RSAKey rsaKey(String kid) {
            try {
                return new RSAKeyGenerator(2048).keyID(kid).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        static ECKey ecKey(String kid) {
            try {
                return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
