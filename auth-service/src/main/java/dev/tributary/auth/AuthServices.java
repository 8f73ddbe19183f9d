package dev.tributary.auth;

import java.nio.file.Path;
import java.util.List;
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
import dev.tributary.auth.security.LoginGuard;
import dev.tributary.common.auth.LoginThrottle;
import dev.tributary.common.auth.PasswordCheck;
import io.micrometer.core.instrument.MeterRegistry;
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
    LoginGuard loginGuard(AuthConfig config, MeterRegistry metrics) {
        AuthConfig.Login login = config.login();
        return new LoginGuard(new LoginThrottle(new LoginThrottle.Limits(login.maxFailures(), login.maxFailuresPerAddress(),
                login.maxFailuresPerUser(), login.failureWindow().toNanos(), login.knownAddressWindow().toNanos()), System::nanoTime),
                login.trustedProxies(), metrics);
    }

    @Produces
    @Singleton
    @Startup
    TokenService tokens(AuthStore store, SigningKeys keys, AuthConfig config, LoginGuard guard, MeterRegistry metrics) {
        PasswordCheck passwords = new PasswordCheck(config.passwords().iterations());
        metrics.more().counter("tributary.auth.login.dummy.hashes", List.of(), passwords, PasswordCheck::dummyChecks);
        TokenService tokens = new TokenService(store, keys, config.tokens().issuer(), config.tokens().lifetime(),
                config.tokens().maxLifetime(), guard, passwords,
                new dev.tributary.common.auth.EndedTokens(config.tokens().maxEnded(), java.time.Clock.systemUTC()));
        metrics.gauge("tributary.auth.tokens.ended", tokens, TokenService::endedTokens);
        tokens.publishKey();
        return tokens;
    }
}
