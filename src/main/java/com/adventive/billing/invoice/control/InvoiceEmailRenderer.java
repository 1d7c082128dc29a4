package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedEmail;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Template;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders invoice emails from {@code templates/email/<name>.subject.hbs}, {@code .html.hbs} and
 * {@code .txt.hbs}. Two templates exist: {@value #INVOICE_NEW} (the invoice was just issued) and
 * {@value #INVOICE_NOTIFY} (an operator re-sent it: "here is your invoice again").
 *
 * <p>The HTML body escapes invoice data; the subject and text body are plain text and do not.
 * The subject is folded onto one line, so no line break in invoice data can reach a mail header.
 */
@ApplicationScoped
public class InvoiceEmailRenderer {

    public static final String INVOICE_NEW = "invoice_new";
    public static final String INVOICE_NOTIFY = "invoice_notify";
    public static final String PAYMENT_FAILED = "payment_failed";
    /** About an account, not an invoice: a link to update the payment method (rendered from an AccountNotice). */
    public static final String PAYMENT_METHOD_UPDATE = "payment_method_update";
    /** A credit note on an invoice; rendered with {@link #renderCreditNote}, from {@code invoice} and {@code creditNote}. */
    public static final String CREDIT_NOTE = "credit_note";

    /** The template names callers may ask for; a name is never turned into a path unchecked. */
    public static final Set<String> TEMPLATES = Set.of(INVOICE_NEW, INVOICE_NOTIFY, PAYMENT_FAILED,
            PAYMENT_METHOD_UPDATE, CREDIT_NOTE);

    private final Map<String, EmailTemplates> templates;

    public InvoiceEmailRenderer() {
        Handlebars html = InvoiceTemplates.htmlEngine();
        Handlebars text = InvoiceTemplates.plainTextEngine();
        this.templates = TEMPLATES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(),
                name -> new EmailTemplates(
                        InvoiceTemplates.compile(text, "email/" + name + ".subject"),
                        InvoiceTemplates.compile(html, "email/" + name + ".html"),
                        InvoiceTemplates.compile(text, "email/" + name + ".txt"))));
    }

    /**
     * @throws IllegalArgumentException for a template name other than {@value #INVOICE_NEW} or
     *                                  {@value #INVOICE_NOTIFY}
     */
    public RenderedEmail render(String templateName, InvoiceView view) {
        EmailTemplates email = templateName == null ? null : templates.get(templateName);
        if (email == null) {
            throw new IllegalArgumentException("unknown email template: " + templateName);
        }
        return new RenderedEmail(
                oneLine(InvoiceTemplates.apply(email.subject(), view)),
                InvoiceTemplates.apply(email.html(), view),
                InvoiceTemplates.apply(email.text(), view));
    }

    /** An email about an account (e.g. {@value #PAYMENT_METHOD_UPDATE}); same escaping rules as {@link #render}. */
    public RenderedEmail renderNotice(String templateName, com.adventive.billing.invoice.entity.AccountNotice notice) {
        EmailTemplates email = templateName == null ? null : templates.get(templateName);
        if (email == null) {
            throw new IllegalArgumentException("unknown email template: " + templateName);
        }
        return new RenderedEmail(
                oneLine(InvoiceTemplates.apply(email.subject(), notice)),
                InvoiceTemplates.apply(email.html(), notice),
                InvoiceTemplates.apply(email.text(), notice));
    }

    /** The model of the {@value #CREDIT_NOTE} templates: the invoice credited and the credit note. */
    public record CreditNoteModel(InvoiceView invoice, com.adventive.billing.invoice.entity.CreditNoteNotice creditNote) {
    }

    /** The {@value #CREDIT_NOTE} email, whose templates read {@code invoice.…} and {@code creditNote.…}. */
    public RenderedEmail renderCreditNote(InvoiceView view, com.adventive.billing.invoice.entity.CreditNoteNotice notice) {
        EmailTemplates email = templates.get(CREDIT_NOTE);
        CreditNoteModel model = new CreditNoteModel(view, notice);
        return new RenderedEmail(
                oneLine(InvoiceTemplates.apply(email.subject(), model)),
                InvoiceTemplates.apply(email.html(), model),
                InvoiceTemplates.apply(email.text(), model));
    }

    /** Collapses every run of whitespace (CR and LF included) to one space. */
    static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    private record EmailTemplates(Template subject, Template html, Template text) {
    }
}
