package com.adventive.billing.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the harness keeps its files: under {@code target/it-work}, so that {@code mvn clean}
 * removes them and a failed run leaves them there to look at.
 */
final class HarnessDirs {

    private HarnessDirs() {
    }

    /** {@code target/}: the folder of the built war when failsafe tells us, else ./target. */
    static Path targetDir() {
        String war = System.getProperty("billing.war");
        if (war != null && !war.isBlank()) {
            return Paths.get(war).toAbsolutePath().getParent();
        }
        return Paths.get("target").toAbsolutePath();
    }

    /** A fresh, empty {@code target/it-work/<name>} (the previous run's content is deleted). */
    static Path fresh(String name) {
        Path dir = targetDir().resolve("it-work").resolve(name);
        deleteRecursively(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
