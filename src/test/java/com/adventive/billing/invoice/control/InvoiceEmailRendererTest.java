package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedEmail;
import com.adventive.billing.invoice.entity.Seller;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvoiceEmailRendererTest {

    private static final InvoiceEmailRenderer RENDERER = new InvoiceEmailRenderer();

    private static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected to find «" + needle + "» in:\n" + haystack);
    }

    @Test
    void newInvoiceSubjectNamesTheInvoiceTheAmountAndTheDueDate() {
        RenderedEmail email = RENDERER.render("invoice_new", SampleInvoices.standard().view());

        assertEquals("Invoice INV-0042 from Adventive — $1,185.65 due 10 Dec 2026", email.subject());
    }

    @Test
    void resendSaysItIsACopy() {
        RenderedEmail email = RENDERER.render("invoice_notify", SampleInvoices.standard().view());

        assertEquals("Copy of invoice INV-0042 from Adventive — $1,185.65 due 10 Dec 2026", email.subject());
        assertContains(email.text(), "Here is invoice INV-0042 from Adventive again, as requested.");
        assertContains(email.html(), "Here is invoice INV-0042 from Adventive again, as requested.");
    }

    @Test
    void textBodyHasTheFactsAndTheLink() {
        String text = RENDERER.render("invoice_new", SampleInvoices.standard().view()).text();

        assertEquals("""
                Hello Example Corp,

                Adventive has issued invoice INV-0042. The PDF is attached.

                Invoice number: INV-0042
                Date of issue:  25 Nov 2026
                Billing period: 1 Nov 2026 – 1 Dec 2026
                Total:          $1,185.65
                Amount due:     $1,185.65
                Due date:       10 Dec 2026

                View and pay online: https://invoice.stripe.com/i/acct_1Test/test_YWNjdF8xVGVzdA0042

                Questions about this invoice? Write to billing@adventive.com.

                Adventive
                500 Market Street
                San Francisco, CA 94105
                United States
                """, text);
    }

    @Test
    void htmlBodyHasTheFactsAndAPayButton() {
        String html = RENDERER.render("invoice_new", SampleInvoices.standard().view()).html();

        assertContains(html, "Hello Example Corp,");
        assertContains(html, ">INV-0042<");
        assertContains(html, ">$1,185.65<");
        assertContains(html, "Amount due by 10 Dec 2026");
        assertContains(html, "<a href=\"https://invoice.stripe.com/i/acct_1Test/test_YWNjdF8xVGVzdA0042\"");
        assertContains(html, "View and pay online");
        assertContains(html, "The PDF is attached.");
    }

    @Test
    void invoiceDataIsEscapedInHtmlAndLeftAloneInPlainText() {
        InvoiceView view = SampleInvoices.builder().customerName("Smith & <b onmouseover=x>Sons</b>").build().view();

        RenderedEmail email = RENDERER.render("invoice_new", view);

        assertContains(email.html(), "Hello Smith &amp; &lt;b onmouseover&#x3D;x&gt;Sons&lt;/b&gt;,");
        assertFalse(email.html().contains("<b onmouseover"), email.html());
        assertContains(email.text(), "Hello Smith & <b onmouseover=x>Sons</b>,");
    }

    @Test
    void noLineBreakInInvoiceDataReachesTheSubjectHeader() {
        SampleInvoices.Sample sample = SampleInvoices.builder().number("INV-7\r\nBcc: attacker@example.com").build();
        InvoiceView view = new InvoiceViewFactory().create(sample.invoice(), sample.lines(), sample.prices(),
                new Seller("Adventive\nX-Injected: yes", List.of(), "billing@adventive.com", null), "acct_1");

        String subject = RENDERER.render("invoice_new", view).subject();

        assertFalse(subject.contains("\r") || subject.contains("\n"), subject);
        assertEquals("Invoice INV-7 Bcc: attacker@example.com from Adventive X-Injected: yes — $1,185.65 due 10 Dec 2026",
                subject);
    }

    @Test
    void paidInvoiceSaysPaidInsteadOfAskingForMoney() {
        RenderedEmail email = RENDERER.render("invoice_notify", SampleInvoices.builder().paidInFull().build().view());

        assertEquals("Copy of invoice INV-0042 from Adventive — $1,185.65 paid", email.subject());
        assertContains(email.text(), "Amount paid:    $1,185.65");
        assertFalse(email.text().contains("Amount due"), email.text());
        assertContains(email.text(), "View invoice online: " + SampleInvoices.HOSTED_URL);
        assertFalse(email.html().contains("pay online"), "nothing left to pay");
    }

    @Test
    void amountsUseTheInvoiceCurrency() {
        assertEquals("Invoice INV-0042 from Adventive — ¥118,565 due 10 Dec 2026",
                RENDERER.render("invoice_new", SampleInvoices.builder().currency("jpy").build().view()).subject());
        assertEquals("Invoice INV-0042 from Adventive — KWD 118.565 due 10 Dec 2026",
                RENDERER.render("invoice_new", SampleInvoices.builder().currency("kwd").build().view()).subject());
    }

    @Test
    void customerWithoutANameIsGreetedPlainly() {
        RenderedEmail email = RENDERER.render("invoice_new", SampleInvoices.builder().customerName(null).build().view());

        assertTrue(email.text().startsWith("Hello,\n"), email.text());
        assertContains(email.html(), ">Hello,<");
    }

    @Test
    void onlyTheTwoInvoiceTemplatesExist() {
        InvoiceView view = SampleInvoices.standard().view();
        assertThrows(IllegalArgumentException.class, () -> RENDERER.render("invoice_paid", view));
        assertThrows(IllegalArgumentException.class, () -> RENDERER.render("../invoice", view));
        assertThrows(IllegalArgumentException.class, () -> RENDERER.render(null, view));
    }
}
