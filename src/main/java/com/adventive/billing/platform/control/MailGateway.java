package com.adventive.billing.platform.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.platform.entity.OutgoingMail;
import jakarta.activation.DataHandler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The only door to email: SMTP (Mailgun's relay in production) when SMTP_HOST is set, otherwise
 * .eml files in MAIL_OUTBOX_DIR for the embedded default. The session is built per send so a
 * rotated SMTP_PASSWORD is used at once.
 *
 * <p>An SMTP send fails in one of three ways, and only one of them may be retried:
 * <ul>
 * <li>before the message body started (connect, EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO or DATA
 *     refused), or while the body was still being written — the end-of-data mark never left, so
 *     the server cannot have accepted anything (RFC 5321 4.1.1.4): a {@link MessagingException},
 *     safe to retry; the same goes for a 4xx/5xx reply to the end of data, a definite refusal;
 * <li>after the whole body and its end-of-data mark were written, with no reply (line dropped,
 *     reply timed out): {@link MailOutcomeUnknownException}, never to be retried automatically;
 * <li>after the server answered 250 to the message: it is sent, whatever QUIT or close do next.
 * </ul>
 * Where the body stands is observed on the message itself (its {@code writeTo} is the body
 * transmission), so this holds for any SMTP provider behind {@code jakarta.mail.Transport}.
 */
@ApplicationScoped
public class MailGateway {

    private static final Logger LOG = Logger.getLogger(MailGateway.class.getName());
    private static final Pattern SAFE_FILE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final NoDelaySocketFactory NO_DELAY_SOCKETS = new NoDelaySocketFactory();

    @Inject
    Settings settings;

    private final AtomicReference<CachedSession> cachedSession = new AtomicReference<>();
    private ScheduledExecutorService writeTimeouts;

    /**
     * Sends the mail. {@code beforeTransmit} runs once the server has agreed to take the message
     * body (354 to DATA) and before its first byte is written — from there on a crash may leave the
     * outcome unknown — so the caller can record exactly that. If it throws, nothing is transmitted.
     *
     * @throws MailRefusedException the server did not take the message; sending again is safe
     * @throws MailOutcomeUnknownException the message was transmitted and no answer came; do not resend
     */
    public void send(OutgoingMail mail, Runnable beforeTransmit) throws MailRefusedException, MailOutcomeUnknownException {
        try {
            transmit(mail, beforeTransmit);
        } catch (MessagingException e) {
            throw new MailRefusedException(e.getMessage(), e);
        }
    }

    /**
     * The address in its canonical form ({@code local@domain}), or empty when it is not one
     * address that SMTP can deliver to.
     */
    public static Optional<String> deliverableAddress(String address) {
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InternetAddress(address.trim(), true).getAddress());
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    private void transmit(OutgoingMail mail, Runnable beforeTransmit) throws MessagingException, MailOutcomeUnknownException {
        Optional<String> host = settings.smtpHost();
        Session session = session(host);
        Transmission transmission = new Transmission(beforeTransmit);
        MimeMessage message = build(session, mail, transmission);
        if (host.isEmpty()) {
            writeToOutbox(message, mail.messageId());
            return;
        }
        Transport transport = session.getTransport();
        try {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException | RuntimeException e) {
            // Classify before closing: close() talks to the server again and overwrites its last reply.
            boolean unknown = transmission.endOfDataSent() && !refusedAfterData(transport);
            closeQuietly(transport, mail.messageId());
            if (unknown) {
                throw new MailOutcomeUnknownException(mail.messageId(), "the SMTP server received the whole message "
                        + "and then gave no reply (" + Texts.describe(e, 500) + "); it may have been delivered", e);
            }
            throw e;
        }
        // 250 to the end of data: the server has taken responsibility for the message. QUIT is a courtesy.
        closeQuietly(transport, mail.messageId());
    }

    /** For health: can we open a TCP connection to the SMTP server? (true for the outbox folder) */
    public boolean reachable(int timeoutMillis) {
        Optional<String> host = settings.smtpHost();
        if (host.isEmpty()) {
            return true;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host.get(), smtpPort()), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String mode() {
        return settings.smtpHost().isPresent() ? "smtp" : "outbox";
    }

    /**
     * The mail session for the current SMTP settings, built once and kept while they stay the same:
     * building one reads every jar's {@code META-INF/javamail.*} provider files through the
     * application class loader, which per email was a measurable share of a backlog drain's CPU.
     */
    private Session session(Optional<String> host) {
        SessionSettings wanted = new SessionSettings(host, host.isPresent() ? smtpPort() : 0,
                settings.smtpTimeout().toMillis(), settings.smtpStartTls(), settings.smtpUser(),
                settings.smtpUser().isPresent() ? settings.smtpPassword() : null);
        CachedSession current = cachedSession.get();
        if (current != null && current.settings().equals(wanted)) {
            return current.session();
        }
        Session session = newSession(wanted);
        cachedSession.set(new CachedSession(wanted, session));
        return session;
    }

    private Session newSession(SessionSettings wanted) {
        Properties props = new Properties();
        Optional<String> host = wanted.host();
        if (host.isPresent()) {
            props.put("mail.transport.protocol", "smtp");
            props.put("mail.smtp.host", host.get());
            props.put("mail.smtp.port", Integer.toString(wanted.port()));
            String timeoutMillis = Long.toString(wanted.timeoutMillis());
            props.put("mail.smtp.connectiontimeout", timeoutMillis);
            props.put("mail.smtp.timeout", timeoutMillis);
            props.put("mail.smtp.writetimeout", timeoutMillis);
            // Without it, Angus Mail starts a thread (a new scheduled executor) per connection to time its writes.
            props.put("mail.smtp.executor.writetimeout", writeTimeouts());
            props.put("mail.smtp.socketFactory", NO_DELAY_SOCKETS);
            // Once the message is accepted, waiting for QUIT's reply can only delay or fail a done send.
            props.put("mail.smtp.quitwait", "false");
            props.put("mail.smtp.starttls.enable", Boolean.toString(wanted.startTls()));
            props.put("mail.smtp.starttls.required", Boolean.toString(wanted.startTls()));
        }
        Optional<String> user = wanted.user();
        if (host.isPresent() && user.isPresent()) {
            props.put("mail.smtp.auth", "true");
            String password = wanted.password();
            return Session.getInstance(props, new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user.get(), password);
                }
            });
        }
        return Session.getInstance(props);
    }

    private synchronized ScheduledExecutorService writeTimeouts() {
        if (writeTimeouts == null) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "smtp-write-timeouts");
                thread.setDaemon(true);
                return thread;
            });
            // every write schedules its timeout and cancels it when done: drop the cancelled at once
            executor.setRemoveOnCancelPolicy(true);
            writeTimeouts = executor;
        }
        return writeTimeouts;
    }

    @PreDestroy
    synchronized void stopWriteTimeouts() {
        if (writeTimeouts != null) {
            writeTimeouts.shutdownNow();
        }
    }

    /** What a mail session is built from; a change of any of them builds a new one. */
    private record SessionSettings(Optional<String> host, int port, long timeoutMillis, boolean startTls,
                                   Optional<String> user, String password) {
        @Override
        public String toString() {
            return "SessionSettings[" + host + ":" + port + ", user " + user + "]"; // never the password
        }
    }

    private record CachedSession(SessionSettings settings, Session session) {
    }

    private int smtpPort() {
        return settings.smtpPort();
    }

    private static MimeMessage build(Session session, OutgoingMail mail, Transmission transmission)
            throws MessagingException {
        MimeMessage message = new TransmittedMessage(session, mail.messageId(), transmission);
        message.setFrom(new InternetAddress(mail.from(), true));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());

        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.textBody(), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(mail.htmlBody(), "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        MimeBodyPart bodies = new MimeBodyPart();
        bodies.setContent(alternative);

        if (mail.attachment() == null) { // a notice without a document (payment_failed)
            message.setContent(alternative);
            message.saveChanges();
            return message;
        }
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(mail.attachment(), mail.attachmentContentType())));
        attachment.setFileName(mail.attachmentName());
        attachment.setDisposition(MimeBodyPart.ATTACHMENT);

        message.setContent(new MimeMultipart("mixed", bodies, attachment));
        message.saveChanges();
        return message;
    }

    private void writeToOutbox(MimeMessage message, String messageId) throws MessagingException {
        Path dir = Path.of(settings.mailOutboxDir()).toAbsolutePath();
        String name = SAFE_FILE.matcher(messageId.replaceAll("[<>]", "")).replaceAll("_") + ".eml";
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".mail", ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                message.writeTo(out);
            }
            Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MessagingException("could not write to the mail outbox", e);
        }
    }

    /**
     * True when the server answered the end of data with a definite refusal (4xx/5xx): it did not
     * take the message. The reply code is read from the SMTP provider's public
     * {@code getLastReturnCode()} (Angus Mail's SMTPTransport), which the jakarta.mail API does not
     * carry; when it cannot be read the answer is false, i.e. the outcome stays unknown.
     */
    private static boolean refusedAfterData(Transport transport) {
        try {
            Object code = transport.getClass().getMethod("getLastReturnCode").invoke(transport);
            return code instanceof Integer reply && reply >= 400 && reply <= 599;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static void closeQuietly(Transport transport, String messageId) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing the SMTP connection after " + messageId + " failed", e);
        }
    }

    /** Where the message body stands on its way to the server. */
    private static final class Transmission {
        private final Runnable beforeTransmit;
        private boolean started;
        private boolean bodyWritten;

        Transmission(Runnable beforeTransmit) {
            this.beforeTransmit = beforeTransmit;
        }

        synchronized void starting() {
            if (!started) {
                beforeTransmit.run();
                started = true;
            }
        }

        synchronized void bodyWritten() {
            bodyWritten = true;
        }

        /**
         * The whole body was handed to the transport, which then writes the end-of-data mark: from
         * here on, a failure without a reply leaves the outcome unknown.
         */
        synchronized boolean endOfDataSent() {
            return bodyWritten;
        }
    }

    /**
     * Keeps the Message-ID we recorded, instead of the random one saveChanges() would assign, and
     * reports when its body is being transmitted: the transport calls {@code writeTo} exactly when
     * the server has answered DATA with 354, and only then.
     */
    private static final class TransmittedMessage extends MimeMessage {
        private final String messageId;
        private final Transmission transmission;

        TransmittedMessage(Session session, String messageId, Transmission transmission) {
            super(session);
            this.messageId = messageId;
            this.transmission = transmission;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }

        @Override
        public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
            transmission.starting();
            super.writeTo(out, ignoreList);
            transmission.bodyWritten();
        }
    }
}
