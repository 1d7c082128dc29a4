package com.adventive.billing.invoice.entity;

/** One email ready to send: a plain-text subject (one line), an HTML body and a plain-text body. */
public record RenderedEmail(String subject, String html, String text) {
}
