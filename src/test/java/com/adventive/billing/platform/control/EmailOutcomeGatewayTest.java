package com.adventive.billing.platform.control;

import com.adventive.billing.it.support.DroppingSmtpServer;
import com.adventive.billing.it.support.DroppingSmtpServer.Behaviour;
import com.adventive.billing.platform.entity.OutgoingMail;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MailGateway against a real SMTP conversation (Angus Mail, the provider Liberty ships) with a
 * server that fails at each step: only a failure after the whole message went out, with no reply
 * to it, is "outcome unknown"; everything before it, and a definite refusal, is a plain
 * MailRefusedException; a 250 is a send, whatever QUIT does afterwards.
 */
class EmailOutcomeGatewayTest {

    private DroppingSmtpServer smtp;
    private MailGateway gateway;
    private final AtomicInteger transmitStarts = new AtomicInteger();

    @BeforeEach
    void start() {
        smtp = DroppingSmtpServer.start();
        gateway = gatewayFor(Map.of("SMTP_HOST", smtp.host(), "SMTP_PORT", Integer.toString(smtp.port()),
                "SMTP_STARTTLS", "false", "SMTP_TIMEOUT_SECONDS", "2"));
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    @Test
    void aHealthyServerTakesTheMessageOnce() throws Exception {
        gateway.send(mail("ok@customer.example"), transmitStarts::incrementAndGet);
        assertEquals(1, smtp.transmissionsTo("ok@customer.example"));
        assertEquals(1, transmitStarts.get());
        assertTrue(smtp.transmissions().get(0).text().contains("Message-ID: <fixed.id@notify.adventive.com>"));
    }

    @Test
    void aDropAfterTheWholeMessageIsAnUnknownOutcome() {
        smtp.behave(Behaviour.DROP_AFTER_DATA);
        MailOutcomeUnknownException unknown = assertThrows(MailOutcomeUnknownException.class,
                () -> gateway.send(mail("drop@customer.example"), transmitStarts::incrementAndGet));
        assertEquals("<fixed.id@notify.adventive.com>", unknown.messageId());
        assertEquals(1, smtp.transmissionsTo("drop@customer.example"));
    }

    @Test
    void noReplyToTheWholeMessageIsAnUnknownOutcome() {
        smtp.behave(Behaviour.SILENT_AFTER_DATA);
        assertThrows(MailOutcomeUnknownException.class,
                () -> gateway.send(mail("silent@customer.example"), transmitStarts::incrementAndGet));
        assertEquals(1, smtp.transmissionsTo("silent@customer.example"));
    }

    @Test
    void aResetOnQuitAfter250IsASend() throws Exception {
        smtp.behave(Behaviour.ACCEPT_THEN_RESET_ON_QUIT);
        gateway.send(mail("quit@customer.example"), transmitStarts::incrementAndGet);
        assertEquals(1, smtp.transmissionsTo("quit@customer.example"));
    }

    @Test
    void aRefusedRecipientTransmitsNothingAndMayBeRetried() {
        for (Behaviour refusal : List.of(Behaviour.REFUSE_RECIPIENT, Behaviour.REJECT_RECIPIENT)) {
            smtp.behave(refusal);
            MailRefusedException refused = assertThrows(MailRefusedException.class,
                    () -> gateway.send(mail("rcpt@customer.example"), transmitStarts::incrementAndGet));
            assertTrue(!(refused.getCause() instanceof MailOutcomeUnknownException), refusal.name());
        }
        assertEquals(0, smtp.transmissions().size());
        assertEquals(0, transmitStarts.get(), "nothing was about to be transmitted");
    }

    @Test
    void aDefiniteRefusalOfTheWholeMessageMayBeRetried() {
        smtp.behave(Behaviour.REFUSE_AFTER_DATA);
        assertThrows(MailRefusedException.class,
                () -> gateway.send(mail("refused@customer.example"), transmitStarts::incrementAndGet));
        assertEquals(1, smtp.transmissionsTo("refused@customer.example"));
    }

    @Test
    void noServerAtAllMayBeRetried() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = probe.getLocalPort();
        }
        MailGateway nowhere = gatewayFor(Map.of("SMTP_HOST", "127.0.0.1", "SMTP_PORT", Integer.toString(closedPort),
                "SMTP_STARTTLS", "false", "SMTP_TIMEOUT_SECONDS", "2"));
        assertThrows(MailRefusedException.class, () -> nowhere.send(mail("nowhere@customer.example"),
                transmitStarts::incrementAndGet));
        assertEquals(0, transmitStarts.get());
    }

    @Test
    void whenRecordingTheTransmissionFailsNothingIsTransmitted() {
        assertThrows(IllegalStateException.class, () -> gateway.send(mail("norecord@customer.example"), () -> {
            throw new IllegalStateException("database down");
        }));
        assertEquals(0, smtp.transmissionsTo("norecord@customer.example"));
    }

    @Test
    void aChangedSmtpServerTakesTheNextMessageAndEverySendIsTimed() throws Exception {
        for (int i = 0; i < 3; i++) {
            gateway.send(mail("first" + i + "@customer.example"), transmitStarts::incrementAndGet);
        }
        try (DroppingSmtpServer other = DroppingSmtpServer.start()) {
            ((MapConfig) gateway.settings.config).values.put("SMTP_PORT", Integer.toString(other.port()));
            gateway.send(mail("second@customer.example"), transmitStarts::incrementAndGet);
            assertEquals(1, other.transmissionsTo("second@customer.example"), "the mail session follows the settings");
            assertEquals(0, smtp.transmissionsTo("second@customer.example"));

            other.behave(Behaviour.SILENT_AFTER_DATA);
            assertThrows(MailOutcomeUnknownException.class,
                    () -> gateway.send(mail("silent@customer.example"), transmitStarts::incrementAndGet),
                    "the kept session still times out a server that never answers");
        }
        assertEquals(3, smtp.transmissions().size());
    }

    private static OutgoingMail mail(String to) {
        return new OutgoingMail("billing-noreply@notify.adventive.com", to, "Invoice ADV-1", "text body",
                "<p>html body</p>", "<fixed.id@notify.adventive.com>", "invoice-ADV-1.pdf", "application/pdf",
                "%PDF-1.7 not really\n.\n..leading dots survive\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static MailGateway gatewayFor(Map<String, String> values) {
        Settings settings = new Settings();
        settings.config = new MapConfig(values);
        MailGateway gateway = new MailGateway();
        gateway.settings = settings;
        return gateway;
    }

    /** The settings a test gives, and nothing else. */
    private static final class MapConfig implements Config {
        private final Map<String, String> values;

        MapConfig(Map<String, String> values) {
            this.values = new HashMap<>(values);
        }

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            if (type != String.class) {
                throw new UnsupportedOperationException(type.getName());
            }
            return Optional.ofNullable(values.get(name)).map(type::cast);
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new IllegalArgumentException(type.getName());
        }
    }
}
