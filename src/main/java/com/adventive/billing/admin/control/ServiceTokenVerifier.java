package com.adventive.billing.admin.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.admin.control.AdminAuthenticator.Decision;
import com.adventive.billing.admin.entity.AdminPrincipal;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Checks a Cloudflare Access service token ({@code CF-Access-Client-Id} + {@code CF-Access-Client-Secret})
 * against the configured entries {@code <client-id>:<sha256-hex-of-secret>}. Only hashes are configured,
 * so the worker never holds a usable secret; the comparison is constant-time. A client id may appear
 * more than once, so its secret can be rotated with the old and the new one both valid for a while.
 */
@ApplicationScoped
public class ServiceTokenVerifier {

    private static final Logger LOG = Logger.getLogger(ServiceTokenVerifier.class.getName());
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** Configuration that was already reported as malformed, so a bad entry warns once, not on every call. */
    private volatile List<String> lastReportedEntries = List.of();

    /**
     * @param entries      the configured {@code <client-id>:<sha256-hex>} entries (at least one)
     * @param clientId     the presented client id
     * @param clientSecret the presented secret; compared only through its sha256
     */
    public Decision verify(List<String> entries, String clientId, String clientSecret) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        ParsedTokens tokens = parse(entries);
        reportMalformed(entries, tokens.malformed());
        byte[] presentedHash = sha256(clientSecret);
        List<byte[]> expected = tokens.hashesByClientId().get(clientId);
        if (expected == null) {
            return Decision.forbidden("service_token_unknown_client",
                    "The CF-Access-Client-Id is not one of the configured admin service tokens");
        }
        boolean matched = false;
        for (byte[] hash : expected) {
            // Check every hash, not the first match only: the time taken does not tell which one matched.
            matched |= MessageDigest.isEqual(presentedHash, hash);
        }
        if (!matched) {
            return Decision.forbidden("service_token_wrong_secret",
                    "The CF-Access-Client-Secret does not match the configured service token");
        }
        return Decision.allowed(AdminPrincipal.serviceToken(clientId));
    }

    /** The usable entries by client id, and a description of each malformed one (never its hash part). */
    static ParsedTokens parse(List<String> entries) {
        Map<String, List<byte[]>> hashes = new LinkedHashMap<>();
        List<String> malformed = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                // No client id to name: the entry may be a pasted secret, so say nothing of its content.
                malformed.add("entry " + (i + 1) + " has no '<client-id>:' prefix");
                continue;
            }
            String clientId = entry.substring(0, colon).strip();
            String hex = entry.substring(colon + 1).strip();
            if (clientId.isEmpty()) {
                malformed.add("entry " + (i + 1) + " has an empty client id");
            } else if (!SHA256_HEX.matcher(hex).matches()) {
                malformed.add("entry " + (i + 1) + " (client id " + clientId + ") is not followed by 64 hex digits of sha256");
            } else {
                hashes.computeIfAbsent(clientId, k -> new ArrayList<>()).add(HexFormat.of().parseHex(hex));
            }
        }
        return new ParsedTokens(hashes, malformed);
    }

    record ParsedTokens(Map<String, List<byte[]>> hashesByClientId, List<String> malformed) {
    }

    static byte[] sha256(String secret) {
        return Texts.sha256(secret.getBytes(StandardCharsets.UTF_8));
    }

    private void reportMalformed(List<String> entries, List<String> malformed) {
        if (malformed.isEmpty() || entries.equals(lastReportedEntries)) {
            return;
        }
        lastReportedEntries = List.copyOf(entries);
        LOG.warning(() -> AdminAuthenticator.ADMIN_SERVICE_TOKENS + " has entries that are ignored: "
                + String.join("; ", malformed) + ". Expected <client-id>:<sha256-hex-of-secret>[,...]");
    }
}
