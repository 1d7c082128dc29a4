package com.adventive.billing.webhook.entity;

/**
 * The {@code signature} object of a Mailgun webhook: Mailgun signs {@code timestamp + token} (no
 * separator) with HMAC-SHA256 under the webhook signing key. The signature does not cover the rest
 * of the body, which is why each token may be used only once.
 *
 * @param timestamp the Unix seconds exactly as sent (they are part of the signed text)
 * @param token     Mailgun's random token for this delivery
 * @param signature lower- or upper-case hex of the HMAC
 */
public record MailgunSignature(String timestamp, String token, String signature) {

    public long epochSecond() {
        return Long.parseLong(timestamp);
    }
}
