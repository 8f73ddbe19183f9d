package dev.tributary.auth.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** auth-service settings; each key is in the README's configuration table. */
@ConfigMapping(prefix = "tributary.auth")
public interface AuthConfig {

    /** The compacted topic this service alone writes and every edge replicates. */
    @WithDefault("tributary.auth")
    String topic();

    /** Replication factor used when the topic is created (1 on a single local broker). */
    @WithDefault("1")
    short replicationFactor();

    Admin admin();

    Passwords passwords();

    Tokens tokens();

    Login login();

    /**
     * Failed logins at the token endpoint and the admin API, counted as the edge counts CONNECTs
     * ({@code LoginThrottle}): per address and user name, per address, and per user name from addresses
     * where that user has not logged in recently.
     */
    interface Login {
        /** Failures of one user name from one address before that address may not try it. */
        @WithDefault("5")
        int maxFailures();

        /** Failures from one address, any user names, before it may not try at all (bounds hashing per address). */
        @WithDefault("20")
        int maxFailuresPerAddress();

        /** Failures of one user name from all addresses before only addresses it logged in from recently may try it. */
        @WithDefault("100")
        int maxFailuresPerUser();

        /** How long failures are remembered, and so how long a throttled address or user name waits. */
        @WithDefault("60s")
        Duration failureWindow();

        /** How long a successful login keeps its address exempt from the per-user-name limit. */
        @WithDefault("24h")
        Duration knownAddressWindow();

        /**
         * Peers whose {@code X-Forwarded-For} names the client (its last address is the one counted): the
         * web-dashboard, which logs its users in from its own address. IP literals only.
         */
        @WithDefault("127.0.0.1,::1")
        List<String> trustedProxies();
    }

    interface Admin {
        @WithDefault("admin")
        String username();

        /** Unset: the admin API refuses everyone (nothing is writable anonymously). Never logged. */
        Optional<String> password();
    }

    interface Passwords {
        /** PBKDF2-HMAC-SHA512 iterations of new hashes (OWASP's 2023 figure); imported hashes keep theirs. */
        @WithDefault("210000")
        int iterations();

        /** Length of generated passwords (letters and digits). */
        @WithDefault("24")
        int generatedLength();
    }

    interface Tokens {
        @WithDefault("tributary")
        String issuer();

        @WithDefault("15m")
        Duration lifetime();

        /** The longest lifetime an administrator may give a token issued for a principal. */
        @WithDefault("30d")
        Duration maxLifetime();

        /** PEM PKCS#8 RSA private key to sign with; unset: {@link #keyFile()} is used, made on first start. */
        Optional<String> privateKey();

        /** Tokens ended by a log out, kept until they expire so they cannot be refreshed; a full table refuses log outs. */
        @WithDefault("100000")
        int maxEnded();

        /** Where the generated signing key is kept between starts (PKCS#8 PEM, owner-only permissions). */
        @WithDefault("data/auth/token-signing-key.pem")
        String keyFile();
    }
}
