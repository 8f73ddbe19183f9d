package dev.tributary.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tributary.kafkalocal.LocalKafka;
import dev.tributary.kafkalocal.ScramCredentials;

/**
 * One real Kafka broker per test JVM, started on first use and stopped when the JVM exits.
 * Fault tests may stop, pause and restart it; its ports stay the same, so clients reconnect.
 */
public final class SharedKafka {

    private static LocalKafka broker;

    private SharedKafka() {
    }

    public static synchronized LocalKafka get() {
        if (broker == null) {
            broker = LocalKafka.onFreePorts(newDataDir("shared-kafka"));
            broker.start();
        } else if (!broker.isRunning()) {
            broker.start();
        }
        return broker;
    }

    /** A fresh broker of the caller's own, for tests that must not disturb the shared one. */
    public static LocalKafka newPrivateBroker() {
        return LocalKafka.onFreePorts(newDataDir("kafka"));
    }

    /**
     * A fresh broker of the caller's own whose clients must log in with SASL/SCRAM-SHA-256 and are held
     * to Kafka ACLs; its super user {@code admin} ({@link LocalKafka#adminConfig()}) adds users and ACLs.
     * Its data directory is made by the broker itself, as {@code ./tributary up}'s is.
     */
    public static LocalKafka newPrivateSecuredBroker() {
        return LocalKafka.secured(newDataDir("kafka-sasl").resolve("kafka"), 0, 0, "512m",
                ScramCredentials.generate("admin"));
    }

    static Path newDataDir(String prefix) {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                base = target;
            }
            return Files.createTempDirectory(base.toAbsolutePath(), prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
