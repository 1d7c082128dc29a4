package com.adventive.billing.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Compares page images pixel by pixel, for {@code scripts/compare-render-look.sh}: every PNG in the
 * "before" folder against the PNG of the same name in the "after" folder. Prints, per page, the
 * pixels that differ at all and the largest difference in any colour channel (0-255); where
 * pixels differ, writes {@code <name>-diff.png} beside the "after" images (differing pixels red
 * on a faded copy of the page). Exit status 0 when every page is identical, 1 otherwise.
 *
 * <pre>
 * java -cp CLASSPATH com.adventive.billing.bench.PageImageDiff BEFORE_DIR AFTER_DIR
 * </pre>
 */
public final class PageImageDiff {

    private PageImageDiff() {
    }

    public static void main(String[] args) throws IOException {
        Path before = Path.of(args[0]);
        Path after = Path.of(args[1]);
        List<Path> pages;
        try (Stream<Path> files = Files.list(before)) {
            pages = files.filter(p -> p.getFileName().toString().endsWith(".png"))
                    .filter(p -> !p.getFileName().toString().endsWith("-diff.png"))
                    .sorted().toList();
        }
        if (pages.isEmpty()) {
            System.out.println("no page images in " + before);
            System.exit(2);
        }
        boolean allSame = true;
        System.out.printf(Locale.ROOT, "%-14s %11s %16s %11s%n", "page", "size", "differing pixels", "max delta");
        for (Path page : pages) {
            Path other = after.resolve(page.getFileName());
            if (!Files.exists(other)) {
                System.out.printf(Locale.ROOT, "%-14s missing after%n", page.getFileName());
                allSame = false;
                continue;
            }
            BufferedImage a = ImageIO.read(page.toFile());
            BufferedImage b = ImageIO.read(other.toFile());
            if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
                System.out.printf(Locale.ROOT, "%-14s size %dx%d before, %dx%d after%n", page.getFileName(),
                        a.getWidth(), a.getHeight(), b.getWidth(), b.getHeight());
                allSame = false;
                continue;
            }
            long differing = 0;
            int maxDelta = 0;
            BufferedImage diff = new BufferedImage(a.getWidth(), a.getHeight(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    int pa = a.getRGB(x, y);
                    int pb = b.getRGB(x, y);
                    int delta = 0;
                    for (int shift = 0; shift <= 16; shift += 8) {
                        delta = Math.max(delta, Math.abs(((pa >> shift) & 0xff) - ((pb >> shift) & 0xff)));
                    }
                    if (delta > 0) {
                        differing++;
                        maxDelta = Math.max(maxDelta, delta);
                        diff.setRGB(x, y, 0xff0000);
                    } else {
                        // the page, faded, so the red stands out
                        int grey = 255 - (255 - (pa & 0xff)) / 4;
                        diff.setRGB(x, y, grey << 16 | grey << 8 | grey);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%-14s %5dx%-5d %16d %11d%n", page.getFileName(), a.getWidth(), a.getHeight(),
                    differing, maxDelta);
            if (differing > 0) {
                allSame = false;
                String name = page.getFileName().toString().replace(".png", "-diff.png");
                ImageIO.write(diff, "png", after.resolve(name).toFile());
            }
        }
        System.out.println(allSame ? "every page identical, pixel for pixel" : "pages differ (see *-diff.png)");
        System.exit(allSame ? 0 : 1);
    }
}
