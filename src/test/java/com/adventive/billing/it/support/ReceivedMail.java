package com.adventive.billing.it.support;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One received email, taken apart: subject, addresses, html and text bodies, attachments. */
public record ReceivedMail(String recipient, String subject, List<String> from, List<String> to,
                           String html, String text, List<Attachment> attachments, MimeMessage message) {

    /** An attached file: its name, its base content type (no parameters) and its decoded bytes. */
    public record Attachment(String fileName, String contentType, byte[] bytes) {
    }

    static ReceivedMail parse(String recipient, MimeMessage message) {
        try {
            Bodies bodies = new Bodies();
            bodies.collect(message);
            return new ReceivedMail(recipient, message.getSubject(), addresses(message.getFrom()),
                    addresses(message.getRecipients(Message.RecipientType.TO)),
                    bodies.html, bodies.text, List.copyOf(bodies.attachments), message);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot parse received mail", e);
        }
    }

    public String header(String name) {
        try {
            return message.getHeader(name, ",");
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Attachment> attachmentsOfType(String contentType) {
        return attachments.stream().filter(a -> a.contentType().equalsIgnoreCase(contentType)).toList();
    }

    private static List<String> addresses(Address[] addresses) {
        return addresses == null ? List.of() : Arrays.stream(addresses).map(Address::toString).toList();
    }

    /** Walks the MIME tree: the first text/html and text/plain bodies, and every part with a file. */
    private static final class Bodies {
        String html;
        String text;
        final List<Attachment> attachments = new ArrayList<>();

        void collect(Part part) throws MessagingException, IOException {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    collect(child);
                }
                return;
            }
            boolean isFile = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
            if (isFile) {
                try (InputStream in = part.getInputStream()) {
                    String type = new ContentType(part.getContentType()).getBaseType().toLowerCase();
                    attachments.add(new Attachment(part.getFileName(), type, in.readAllBytes()));
                }
            } else if (part.isMimeType("text/html") && html == null) {
                html = part.getContent().toString();
            } else if (part.isMimeType("text/plain") && text == null) {
                text = part.getContent().toString();
            }
        }
    }
}
