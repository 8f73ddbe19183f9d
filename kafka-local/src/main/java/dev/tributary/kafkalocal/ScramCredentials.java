package dev.tributary.kafkalocal;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Kafka principal's SASL/SCRAM-SHA-256 user name and password, and the client settings that log in
 * with them. The services read the same settings from their Quarkus configuration ({@code kafka.*},
 * or the environment variables {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM} and
 * {@code KAFKA_SASL_JAAS_CONFIG}), which is how {@link #environment()} hands them to a child process.
 *
 * <p>{@link #toString()} never shows the password: these objects end up in log lines and assertion
 * messages.
 */
public record ScramCredentials(String username, String password) {

    public static final String MECHANISM = "SCRAM-SHA-256";
    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";

    /**
     * A user name goes unescaped into the JAAS configuration, the ACL principal {@code User:<name>} and
     * the broker's format command ({@code name=<name>}): letters, digits and {@code . _ -} only.
     */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Printable ASCII without quotes, backslashes and the separators of the JAAS and format syntax. */
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9!#$%&()*+./:;<>?@^_`{|}~-]{8,256}");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ScramCredentials {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("a Kafka user name is 1 to 64 letters, digits, '.', '_' or '-': " + username);
        }
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("the Kafka password of " + username + " must be 8 to 256 printable"
                    + " ASCII characters without spaces, quotes, backslashes, ',', '=', '[' or ']'");
        }
    }

    /** {@code username} with a new random password of 24 letters and digits. */
    public static ScramCredentials generate(String username) {
        StringBuilder password = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new ScramCredentials(username, password.toString());
    }

    /** The ACL principal of this user: {@code User:<name>}. */
    public String principal() {
        return "User:" + username;
    }

    /** {@code sasl.jaas.config} for a client that logs in as this user. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                + "\" password=\"" + password + "\";";
    }

    /** {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} of a Kafka client. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("security.protocol", SECURITY_PROTOCOL);
        config.put("sasl.mechanism", MECHANISM);
        config.put("sasl.jaas.config", jaasConfig());
        return config;
    }

    /**
     * {@link #clientConfig()} as the environment variables a Tributary service (or {@code ./tributary
     * kafka-tail}) reads: {@code kafka.sasl.jaas.config} becomes {@code KAFKA_SASL_JAAS_CONFIG}.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        clientConfig().forEach((key, value) -> env.put(environmentName(key), value.toString()));
        return env;
    }

    /** The environment variable of Kafka client setting {@code key} for a service: {@code KAFKA_} and the key with '.' as '_'. */
    public static String environmentName(String key) {
        return "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String toString() {
        return "ScramCredentials[" + username + ", password hidden]";
    }
}
