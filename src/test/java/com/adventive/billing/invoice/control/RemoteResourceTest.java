package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.entity.RenderedPdf;
import com.itextpdf.html2pdf.ConverterProperties;
import com.itextpdf.html2pdf.HtmlConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Invoice data is customer-controlled: a description or name could carry markup that points at an
 * internal address. Rendering must never open a connection. A loopback server counts the
 * connections it gets; the control case shows it does see html2pdf's fetches when they happen.
 */
class RemoteResourceTest {

    private static final InvoicePdfRenderer RENDERER = new InvoicePdfRenderer();

    /** Accepts and immediately closes every connection, counting them. */
    static final class LoopbackTrap implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        LoopbackTrap() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket ignored = server.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "loopback-trap");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getLocalPort() + path;
        }

        /** Connections seen, after giving a late one time to arrive. */
        int connectionsAfter(long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (connections.get() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            return connections.get();
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(2000);
        }
    }

    @Test
    void markupInInvoiceDataIsPrintedAsTextAndFetchesNothing() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            String img = "<img src=\"" + trap.url("/x") + "\">";
            RenderedPdf pdf = RENDERER.render(SampleInvoices.builder()
                    .firstLineDescription(img + " Pro plan")
                    .customerName("<link rel=\"stylesheet\" href=\"" + trap.url("/style.css") + "\">ACME")
                    .memo("<style>@import url(\"" + trap.url("/import.css") + "\"); "
                            + "body { background: url(\"" + trap.url("/bg.png") + "\") }</style>Thanks!")
                    .build().view());

            assertEquals(0, trap.connectionsAfter(300));
            String text = PdfText.all(pdf.bytes());
            assertTrue(text.contains(img + " Pro plan"), text);
            assertTrue(text.contains("\">ACME"), text);
        }
    }

    /** Even markup that did reach html2pdf (a template bug) would fetch nothing: the retriever refuses. */
    @Test
    void theConverterItselfFetchesNothing() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            RenderedPdf pdf = RENDERER.renderHtml(hostileHtml(trap, ""), "in_hostile", 0L, System.nanoTime());

            assertEquals(0, trap.connectionsAfter(300));
            assertTrue(PdfText.all(pdf.bytes()).contains("still renders"));
        }
    }

    /**
     * html2pdf fetches an @import in an inline style without asking the retriever, so the renderer
     * refuses such HTML outright.
     */
    @Test
    void styleImportsAreRefusedBeforeHtml2pdfSeesThem() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            for (String importRule : List.of("@import url(\"" + trap.url("/b.css") + "\");",
                    "@IMPORT '" + trap.url("/c.css") + "';",
                    "@\\69mport url(" + trap.url("/d.css") + ");")) {
                String html = hostileHtml(trap, importRule);
                assertThrows(IllegalArgumentException.class,
                        () -> RENDERER.renderHtml(html, "in_hostile", 0L, System.nanoTime()), importRule);
            }
            assertEquals(0, trap.connectionsAfter(300));
        }
    }

    @Test
    void escapedDataMentioningImportIsNotMistakenForAStylesheet() {
        NoRemoteResources.refuseStyleImports("<p>&lt;style&gt;@import url(x)&lt;/style&gt;</p><style>p { color: red }</style>");
    }

    @Test
    void controlHtml2pdfOnItsDefaultsDoesFetch() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            HtmlConverter.convertToPdf(hostileHtml(trap, "@import url(\"" + trap.url("/b.css") + "\");"),
                    new ByteArrayOutputStream(), new ConverterProperties());

            assertTrue(trap.connectionsAfter(5000) > 0, "the trap must see a default fetch, or the tests above prove nothing");
        }
    }

    /** Every other way html2pdf loads something: stylesheet links, fonts, backgrounds, images, SVG. */
    private static String hostileHtml(LoopbackTrap trap, String importRule) {
        return """
                <html><head>
                <link rel="stylesheet" href="%s">
                <style>
                  %s
                  @font-face { font-family: Remote; src: url("%s"); }
                  body { background-image: url("%s"); }
                  li { list-style-image: url("%s"); }
                  .remote { font-family: Remote; }
                </style>
                </head><body>
                <img src="%s">
                <img src="%s">
                <div style="background: url('%s')" class="remote">still renders</div>
                <ul><li>item</li></ul>
                <svg width="10" height="10"><image href="%s" width="10" height="10"/></svg>
                <object data="%s" type="image/svg+xml"></object>
                </body></html>
                """.formatted(trap.url("/a.css"), importRule, trap.url("/f.ttf"), trap.url("/bg.png"),
                trap.url("/li.png"), trap.url("/i.png"), trap.url("/i.svg"), trap.url("/d.png"),
                trap.url("/s.png"), trap.url("/o.svg"));
    }
}
