package com.adventive.billing.invoice.entity;

import java.util.List;

/**
 * What the {@code credit_note} email and PDF show about a credit note, in display form (money
 * already formatted in the invoice's currency). The invoice it credits comes alongside as its
 * {@link InvoiceView}.
 */
public record CreditNoteNotice(String creditNoteId, String number, String issueDate, String total, String reason,
                               String memo, List<Line> lines) {

    public CreditNoteNotice {
        number = number == null ? "" : number;
        issueDate = issueDate == null ? "" : issueDate;
        total = total == null ? "" : total;
        reason = reason == null ? "" : reason;
        memo = memo == null ? "" : memo;
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    public record Line(String description, String amount) {
        public Line {
            description = description == null ? "" : description;
            amount = amount == null ? "" : amount;
        }
    }
}
