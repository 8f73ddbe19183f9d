package dev.tributary.auth;

import java.nio.file.Path;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.tributary.auth.acl.AclService;
import dev.tributary.auth.config.AuthConfig;
import dev.tributary.auth.principal.PrincipalService;
import dev.tributary.auth.store.AuthStore;
import dev.tributary.auth.store.KafkaAuthStore;
import dev.tributary.auth.token.SigningKeys;
import dev.tributary.auth.token.TokenService;
import dev.tributary.common.auth.LoginThrottle;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;

/** Wiring: the Kafka-backed store and the services on top of it, built once at start-up. */
@ApplicationScoped
public class AuthServices {

    @Produces
    @Singleton
    @Startup
    KafkaAuthStore store(AuthConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        return new KafkaAuthStore(kafkaConfig, config.topic(), config.replicationFactor());
    }

    void close(@Disposes KafkaAuthStore store) {
        store.close();
    }

    @Produces
    @Singleton
    PrincipalService principals(AuthStore store, AuthConfig config) {
        return new PrincipalService(store, config.passwords().iterations(), config.passwords().generatedLength());
    }

    @Produces
    @Singleton
    AclService acl(AuthStore store) {
        return new AclService(store);
    }

    @Produces
    @Singleton
    SigningKeys signingKeys(AuthConfig config) {
        return SigningKeys.load(config.tokens().privateKey().map(Path::of).orElse(null), Path.of(config.tokens().keyFile()));
    }

    @Produces
    @Singleton
    @Startup
    TokenService tokens(AuthStore store, SigningKeys keys, AuthConfig config) {
        TokenService tokens = new TokenService(store, keys, config.tokens().issuer(), config.tokens().lifetime(),
                config.tokens().maxLifetime(),
                new LoginThrottle(config.login().maxFailures(), config.login().failureWindow().toNanos(), System::nanoTime));
        tokens.publishKey();
        return tokens;
    }
}
