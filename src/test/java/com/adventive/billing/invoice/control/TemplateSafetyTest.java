package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Guards the two rules that keep invoice data from becoming markup or a fetch. */
class TemplateSafetyTest {

    private static List<Path> files(String suffix) throws IOException, URISyntaxException {
        Path root = Path.of(TemplateSafetyTest.class.getResource("/templates").toURI());
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void noTemplateTurnsOffEscaping() throws Exception {
        List<Path> templates = files(".hbs");
        assertTrue(templates.size() >= 7, "templates found: " + templates);
        for (Path template : templates) {
            String source = Files.readString(template).replaceAll("(?s)\\{\\{!--.*?--}}", "");
            assertFalse(source.contains("{{{"), template + " uses {{{ }}}, which does not escape");
            assertFalse(source.contains("{{&"), template + " uses {{& }}, which does not escape");
        }
    }

    @Test
    void invoiceStylesheetLoadsNothing() throws Exception {
        String css = Files.readString(files("invoice.css").get(0)).replaceAll("(?s)/\\*.*?\\*/", "");
        assertFalse(css.contains("url("), "the PDF stylesheet must not reference anything outside itself");
        assertFalse(css.contains("@import"), "the PDF stylesheet must not import anything");
    }
}
