package com.adventive.billing.invoice.control;

import com.itextpdf.styledxmlparser.resolver.resource.IResourceRetriever;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The only way html2pdf fetches images, stylesheets and fonts, and it fetches nothing. Invoice
 * HTML is self-contained (CSS inline, fonts from the war), so any URL html2pdf asks for can only
 * have come from invoice data: answering it would let a customer-supplied description make the
 * worker open connections (SSRF) or read local files. Inline {@code data:} URIs never reach a
 * retriever, so they still work.
 *
 * <p>One path in html2pdf 6.2.1 does not ask the retriever: an {@code @import} inside an inline
 * {@code <style>} element is fetched by a resolver of its own (DefaultCssResolver parses style
 * text with CssStyleSheetParser.parse(css, baseUri), which builds a NoDuplicatesResourceRetriever).
 * Invoice data cannot create a {@code <style>} element (templates escape it), and our stylesheet
 * has no {@code @import}; {@link #refuseStyleImports(String)} makes sure of both before conversion.
 */
final class NoRemoteResources implements IResourceRetriever {

    static final NoRemoteResources INSTANCE = new NoRemoteResources();

    private static final Pattern STYLE_ELEMENT = Pattern.compile("(?is)<style\\b[^>]*>(.*?)(?:</style\\s*>|\\z)");
    /** {@code @import}, also spelled with a CSS escape such as {@code @\69mport}. */
    private static final Pattern IMPORT = Pattern.compile("(?i)@(?:import|\\\\)");

    private static final System.Logger LOG = System.getLogger(NoRemoteResources.class.getName());

    private NoRemoteResources() {
    }

    @Override
    public InputStream getInputStreamByUrl(URL url) {
        refuse(url);
        return null;
    }

    @Override
    public byte[] getByteArrayByUrl(URL url) {
        refuse(url);
        return null;
    }

    /**
     * Throws when the HTML holds a {@code <style>} element with an {@code @import}, the one fetch
     * html2pdf makes without asking this retriever. Escaped invoice data can never match (its
     * {@code <} is {@code &lt;}), so this only fires on a template that let markup through.
     */
    static void refuseStyleImports(String html) {
        Matcher style = STYLE_ELEMENT.matcher(html);
        while (style.find()) {
            if (IMPORT.matcher(style.group(1)).find()) {
                throw new IllegalArgumentException(
                        "invoice HTML has a <style> with @import, which html2pdf would fetch; not rendered");
            }
        }
    }

    private static void refuse(URL url) {
        // the URL came from invoice data: log its scheme and host only, never the whole string
        LOG.log(Level.WARNING, "invoice PDF referenced an external resource ({0}://{1}); not fetched",
                url == null ? "" : url.getProtocol(), url == null ? "" : url.getHost());
    }
}
