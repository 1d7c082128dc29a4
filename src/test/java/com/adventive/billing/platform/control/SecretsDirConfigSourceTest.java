package com.adventive.billing.platform.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SecretsDirConfigSourceTest {

    @TempDir
    Path secrets;

    @AfterEach
    void clear() {
        System.clearProperty("SECRETS_DIR");
    }

    @Test
    void aRewrittenFileIsSeenOnTheNextLookup() throws Exception {
        System.setProperty("SECRETS_DIR", secrets.toString());
        SecretsDirConfigSource source = new SecretsDirConfigSource();
        Files.writeString(secrets.resolve("STRIPE_SECRET_KEY"), "sk_test_old\n");
        assertEquals("sk_test_old", source.getValue("STRIPE_SECRET_KEY"));
        Files.writeString(secrets.resolve("STRIPE_SECRET_KEY"), "sk_test_new");
        assertEquals("sk_test_new", source.getValue("STRIPE_SECRET_KEY"));
        assertEquals("sk_test_new", source.getProperties().get("STRIPE_SECRET_KEY"));
    }

    @Test
    void namesThatCouldEscapeTheFolderAreNeverRead() throws Exception {
        System.setProperty("SECRETS_DIR", secrets.resolve("inner").toString());
        Files.createDirectories(secrets.resolve("inner"));
        Files.writeString(secrets.resolve("OUTSIDE"), "leak");
        SecretsDirConfigSource source = new SecretsDirConfigSource();
        assertNull(source.getValue("../OUTSIDE"));
        assertNull(source.getValue("missing_lowercase"));
    }
}
