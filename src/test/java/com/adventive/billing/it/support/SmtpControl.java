package com.adventive.billing.it.support;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The SMTP server (GreenMail) the worker sends to, and the switch to take it down and bring it back
 * on the same port, so tests can prove that mail is retried rather than lost.
 *
 * <p>GreenMail forgets every stored message when it stops, so messages received before a stop are
 * copied aside first: what was delivered in this run stays visible to {@link Mailbox}.
 */
public final class SmtpControl {

    public static final String HOST = "127.0.0.1";

    /** One message as delivered to one recipient's mailbox (a message to two people counts twice). */
    record Delivered(String recipient, MimeMessage message) {
    }

    private final int port;
    private final List<Delivered> beforeRestarts = new ArrayList<>();
    private GreenMail greenMail;

    private SmtpControl(int port) {
        this.port = port;
    }

    /** {@code port} 0: a free one. GreenMail's own "dynamic port" support differs between versions; a port we picked is certain. */
    static SmtpControl launch(int port) {
        SmtpControl smtp = new SmtpControl(port != 0 ? port : LoopbackPorts.free());
        smtp.start();
        return smtp;
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return greenMail != null;
    }

    /** SMTP goes away: connections to the port are refused until {@link #start()}. */
    public synchronized void stop() {
        if (greenMail == null) {
            return;
        }
        beforeRestarts.addAll(currentDeliveries());
        greenMail.stop();
        greenMail = null;
    }

    /** SMTP is back on the same port. */
    public synchronized void start() {
        if (greenMail != null) {
            return;
        }
        GreenMail server = new GreenMail(new ServerSetup(port, HOST, ServerSetup.PROTOCOL_SMTP))
                // The worker may authenticate (Liberty's mailSession wants a user); accept anyone.
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        server.start();
        greenMail = server;
    }

    /** Forgets every message received so far (e.g. between tests that count mails). */
    public synchronized void purge() {
        beforeRestarts.clear();
        if (greenMail != null) {
            try {
                greenMail.purgeEmailFromAllMailboxes();
            } catch (FolderException e) {
                throw new IllegalStateException("cannot purge GreenMail mailboxes", e);
            }
        }
    }

    /** Everything delivered in this run, oldest first, including before SMTP restarts. */
    synchronized List<Delivered> deliveries() {
        List<Delivered> all = new ArrayList<>(beforeRestarts);
        all.addAll(currentDeliveries());
        return all;
    }

    private List<Delivered> currentDeliveries() {
        List<Delivered> current = new ArrayList<>();
        if (greenMail == null) {
            return current;
        }
        try {
            for (GreenMailUser user : greenMail.getUserManager().listUser()) {
                for (StoredMessage stored : greenMail.getManagers().getImapHostManager().getInbox(user).getMessages()) {
                    // A detached copy: the stored one is gone once GreenMail stops.
                    current.add(new Delivered(user.getEmail(), new MimeMessage(stored.getMimeMessage())));
                }
            }
        } catch (FolderException | MessagingException e) {
            throw new IllegalStateException("cannot read GreenMail mailboxes", e);
        }
        return current;
    }

    synchronized void shutdown() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }
}
