package com.adventive.billing.platform.entity;

/** One email ready to hand to SMTP: both bodies, one attachment, and the Message-ID we chose. */
public record OutgoingMail(String from, String to, String subject, String textBody, String htmlBody,
                           String messageId, String attachmentName, String attachmentContentType,
                           byte[] attachment) {
}
