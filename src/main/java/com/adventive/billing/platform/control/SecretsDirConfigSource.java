package com.adventive.billing.platform.control;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads settings from one file per key in {@code SECRETS_DIR}, the way Kubernetes mounts secrets.
 * Files are read on every lookup so that a rotated secret takes effect without a restart.
 * It outranks environment variables (ordinal 500 > 300): a mounted secret is the newer truth.
 */
public class SecretsDirConfigSource implements ConfigSource {

    private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,100}");

    @Override
    public int getOrdinal() {
        return 500;
    }

    @Override
    public String getName() {
        return "SecretsDir";
    }

    @Override
    public Set<String> getPropertyNames() {
        return getProperties().keySet();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> values = new HashMap<>();
        Path dir = directory();
        if (dir == null) {
            return values;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> KEY.matcher(name).matches())
                    .forEach(name -> {
                        String value = getValue(name);
                        if (value != null) {
                            values.put(name, value);
                        }
                    });
        } catch (IOException e) {
            return values;
        }
        return values;
    }

    @Override
    public String getValue(String propertyName) {
        Path dir = directory();
        if (dir == null || propertyName == null || !KEY.matcher(propertyName).matches()) {
            return null;
        }
        Path file = dir.resolve(propertyName);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path directory() {
        String dir = System.getenv("SECRETS_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("SECRETS_DIR");
        }
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path path = Path.of(dir);
        return Files.isDirectory(path) ? path : null;
    }
}
