package com.adventive.billing.it.support;

import java.time.Duration;
import java.util.List;

/**
 * What the worker emailed in this run, as seen by the SMTP server. Waiting returns whatever has
 * arrived when the wait ends; the test asserts on that, so a slow machine only makes it slower.
 */
public final class Mailbox {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private final SmtpControl smtp;

    Mailbox(SmtpControl smtp) {
        this.smtp = smtp;
    }

    /** Messages delivered to this address so far, oldest first. */
    public List<ReceivedMail> messagesTo(String address) {
        return smtp.deliveries().stream()
                .filter(d -> d.recipient().equalsIgnoreCase(address))
                .map(d -> ReceivedMail.parse(d.recipient(), d.message()))
                .toList();
    }

    /** Every delivery so far, to anyone. */
    public List<ReceivedMail> all() {
        return smtp.deliveries().stream().map(d -> ReceivedMail.parse(d.recipient(), d.message())).toList();
    }

    /** Polls until at least {@code count} messages reached the address or {@code max} passed; returns what arrived. */
    public List<ReceivedMail> waitFor(String address, int count, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (countTo(address) < count && System.nanoTime() < deadline) {
            Await.sleep(200);
        }
        return messagesTo(address);
    }

    public List<ReceivedMail> waitFor(String address, int count) {
        return waitFor(address, count, DEFAULT_WAIT);
    }

    /** Polls until there are at least {@code count} deliveries in total or {@code max} passed. */
    public List<ReceivedMail> waitForAny(int count, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (smtp.deliveries().size() < count && System.nanoTime() < deadline) {
            Await.sleep(200);
        }
        return all();
    }

    public int countTo(String address) {
        return (int) smtp.deliveries().stream().filter(d -> d.recipient().equalsIgnoreCase(address)).count();
    }

    /** Forgets what arrived so far, so the next test counts from zero. */
    public void clear() {
        smtp.purge();
    }
}
