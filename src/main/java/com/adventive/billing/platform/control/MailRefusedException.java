package com.adventive.billing.platform.control;

/**
 * The mail was not taken: the SMTP server refused it, or could not be reached, before the whole
 * message had been transmitted (or the outbox folder could not be written). Sending again is safe.
 */
public class MailRefusedException extends Exception {

    public MailRefusedException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
