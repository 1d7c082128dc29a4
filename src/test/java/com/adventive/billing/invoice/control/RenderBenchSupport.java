package com.adventive.billing.invoice.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the render benchmark (package {@code bench}) needs from this package's internals. */
public final class RenderBenchSupport {

    private RenderBenchSupport() {
    }

    /**
     * Copies the fonts the worker renders with into {@code dir}, so the browser side of the
     * benchmark can be given the very same font files (through fontconfig) instead of whatever the
     * machine has.
     */
    public static void copyFonts(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String resource : InvoiceFonts.resources()) {
                try (InputStream in = RenderBenchSupport.class.getClassLoader().getResourceAsStream(resource)) {
                    Files.write(dir.resolve(resource.substring(resource.lastIndexOf('/') + 1)), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
