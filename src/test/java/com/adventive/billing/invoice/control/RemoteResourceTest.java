package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.entity.RenderedPdf;
import com.itextpdf.html2pdf.ConverterProperties;
import com.itextpdf.html2pdf.HtmlConverter;
import com.itextpdf.kernel.pdf.PdfDictionary;
import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfName;
import com.itextpdf.kernel.pdf.PdfReader;
import com.itextpdf.kernel.pdf.PdfStream;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Invoice data is customer-controlled: a description or name could carry markup that points at an
 * internal address. Rendering must never open a connection. A loopback server counts the
 * connections it gets and answers each with a real image; the control cases show that it does see
 * html2pdf's fetches when they happen and that what it serves ends up in the PDF, and that an
 * image the HTML carries inline is still drawn, so "nothing fetched, no image" is not just a
 * renderer that draws no images at all.
 */
class RemoteResourceTest {

    private static final InvoicePdfRenderer RENDERER = new InvoicePdfRenderer();
    private static final byte[] PNG = png();

    /** Answers every request with {@link #PNG}, counting connections. */
    static final class LoopbackTrap implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        LoopbackTrap() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        connections.incrementAndGet();
                        answerWithPng(client);
                    } catch (IOException closedOrReset) {
                        if (server.isClosed()) {
                            return;
                        }
                    }
                }
            }, "loopback-trap");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void answerWithPng(Socket client) throws IOException {
            client.setSoTimeout(5000);
            BufferedReader request = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
            String line;
            do {
                line = request.readLine();
            } while (line != null && !line.isEmpty());
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: " + PNG.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(PNG);
            out.flush();
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
            assertEquals(0, images(pdf.bytes()), "nothing the trap serves is drawn");
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
            assertEquals(0, images(pdf.bytes()), "no remote image drawn");
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

    /** Control for the trap: html2pdf on its defaults fetches an @import, and the trap sees it. */
    @Test
    void controlHtml2pdfOnItsDefaultsFetchesAStyleImport() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            HtmlConverter.convertToPdf(hostileHtml(trap, "@import url(\"" + trap.url("/b.css") + "\");"),
                    new ByteArrayOutputStream(), new ConverterProperties());

            assertTrue(trap.connectionsAfter(5000) > 0, "the trap must see a default fetch, or the tests above prove nothing");
        }
    }

    /**
     * Control for "no image drawn": on its defaults html2pdf fetches the trap's image and draws it,
     * so a fetch that got through would show in the image count as well as in the connection count.
     */
    @Test
    void controlHtml2pdfOnItsDefaultsDrawsTheImageTheTrapServes() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            ByteArrayOutputStream pdf = new ByteArrayOutputStream();
            HtmlConverter.convertToPdf("<html><body><p>remote</p><img src=\"" + trap.url("/i.png") + "\"></body></html>",
                    pdf, new ConverterProperties());

            assertTrue(trap.connectionsAfter(5000) > 0, "fetched from the trap");
            assertEquals(1, images(pdf.toByteArray()), "the served image is drawn");
        }
    }

    /** The local resource is used: an image inline in the HTML is drawn, the remote one beside it is not fetched. */
    @Test
    void anInlineImageIsDrawnWhileTheRemoteOneIsNeitherFetchedNorDrawn() throws Exception {
        try (LoopbackTrap trap = new LoopbackTrap()) {
            String inline = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
            RenderedPdf pdf = RENDERER.renderHtml("<html><body><p>local</p><img src=\"" + inline + "\">"
                    + "<img src=\"" + trap.url("/i.png") + "\"></body></html>", "in_local", 0L, System.nanoTime());

            assertEquals(1, images(pdf.bytes()), "the inline image, and only it");
            assertEquals(0, trap.connectionsAfter(300));
            assertTrue(PdfText.all(pdf.bytes()).contains("local"));
        }
    }

    /** Image XObjects drawn on the pages, including inside form XObjects (how SVG is drawn). */
    private static int images(byte[] pdf) {
        try (PdfDocument document = new PdfDocument(new PdfReader(new ByteArrayInputStream(pdf)))) {
            int images = 0;
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                images += images(document.getPage(page).getResources().getResource(PdfName.XObject));
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int images(PdfDictionary xObjects) {
        if (xObjects == null) {
            return 0;
        }
        int images = 0;
        for (PdfName name : xObjects.keySet()) {
            PdfStream xObject = xObjects.getAsStream(name);
            if (xObject == null) {
                continue;
            }
            if (PdfName.Image.equals(xObject.getAsName(PdfName.Subtype))) {
                images++;
            } else if (PdfName.Form.equals(xObject.getAsName(PdfName.Subtype))
                    && xObject.getAsDictionary(PdfName.Resources) != null) {
                images += images(xObject.getAsDictionary(PdfName.Resources).getAsDictionary(PdfName.XObject));
            }
        }
        return images;
    }

    /** A real 4×4 PNG, made here so the test carries no binary. */
    private static byte[] png() {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0xCC0000);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
