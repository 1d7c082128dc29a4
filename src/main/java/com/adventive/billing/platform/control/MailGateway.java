package com.adventive.billing.platform.control;

import com.adventive.billing.platform.entity.OutgoingMail;
import jakarta.activation.DataHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
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
import java.util.regex.Pattern;

/**
 * The only door to email: SMTP (Mailgun's relay in production) when SMTP_HOST is set, otherwise
 * .eml files in MAIL_OUTBOX_DIR for the embedded default. The session is built per send so a
 * rotated SMTP_PASSWORD is used at once.
 */
@ApplicationScoped
public class MailGateway {

    private static final String DEFAULT_OUTBOX = "data/outbox";
    private static final int TIMEOUT_MS = 30_000;
    private static final Pattern SAFE_FILE = Pattern.compile("[^A-Za-z0-9._-]");

    @Inject
    Settings settings;

    /**
     * Sends the mail. {@code beforeTransmit} runs after the SMTP handshake and just before the
     * message is transmitted — the only stretch in which a crash leaves the outcome unknown — so
     * the caller can record exactly that.
     */
    public void send(OutgoingMail mail, Runnable beforeTransmit) throws MessagingException {
        Optional<String> host = settings.optional("SMTP_HOST");
        Session session = session(host);
        MimeMessage message = build(session, mail);
        if (host.isEmpty()) {
            beforeTransmit.run();
            writeToOutbox(message, mail.messageId());
            return;
        }
        try (Transport transport = session.getTransport()) {
            transport.connect();
            beforeTransmit.run();
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /** For health: can we open a TCP connection to the SMTP server? (true for the outbox folder) */
    public boolean reachable(int timeoutMillis) {
        Optional<String> host = settings.optional("SMTP_HOST");
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
        return settings.optional("SMTP_HOST").isPresent() ? "smtp" : "outbox";
    }

    private Session session(Optional<String> host) {
        Properties props = new Properties();
        if (host.isPresent()) {
            props.put("mail.transport.protocol", "smtp");
            props.put("mail.smtp.host", host.get());
            props.put("mail.smtp.port", Integer.toString(smtpPort()));
            props.put("mail.smtp.connectiontimeout", Integer.toString(TIMEOUT_MS));
            props.put("mail.smtp.timeout", Integer.toString(TIMEOUT_MS));
            props.put("mail.smtp.writetimeout", Integer.toString(TIMEOUT_MS));
            boolean startTls = settings.flag("SMTP_STARTTLS", true);
            props.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
            props.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        }
        Optional<String> user = settings.optional("SMTP_USER");
        if (host.isPresent() && user.isPresent()) {
            props.put("mail.smtp.auth", "true");
            String password = settings.text("SMTP_PASSWORD", "");
            return Session.getInstance(props, new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user.get(), password);
                }
            });
        }
        return Session.getInstance(props);
    }

    private int smtpPort() {
        return settings.integer("SMTP_PORT", 587, 1, 65_535);
    }

    private static MimeMessage build(Session session, OutgoingMail mail) throws MessagingException {
        MimeMessage message = new FixedIdMessage(session, mail.messageId());
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

        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(mail.attachment(), mail.attachmentContentType())));
        attachment.setFileName(mail.attachmentName());
        attachment.setDisposition(MimeBodyPart.ATTACHMENT);

        message.setContent(new MimeMultipart("mixed", bodies, attachment));
        message.saveChanges();
        return message;
    }

    private void writeToOutbox(MimeMessage message, String messageId) throws MessagingException {
        Path dir = Path.of(settings.text("MAIL_OUTBOX_DIR", DEFAULT_OUTBOX)).toAbsolutePath();
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

    /** Keeps the Message-ID we recorded, instead of the random one saveChanges() would assign. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
