package com.adventive.billing.platform.control;

/**
 * The whole message and its end-of-data mark went to the SMTP server, and then no answer came
 * (the line dropped, the reply timed out, the server hung up). The server may have taken the
 * message and delivered it. Sending it again could give the customer a second copy, so this is
 * deliberately not a {@link jakarta.mail.MessagingException}: a caller cannot retry it by accident.
 */
public class MailOutcomeUnknownException extends Exception {

    private final String messageId;

    public MailOutcomeUnknownException(String messageId, String detail, Throwable cause) {
        super(detail, cause);
        this.messageId = messageId;
    }

    /** The Message-ID to look up in the SMTP provider's log. */
    public String messageId() {
        return messageId;
    }
}
