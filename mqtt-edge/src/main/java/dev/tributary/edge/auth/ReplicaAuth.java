package dev.tributary.edge.auth;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.ClientIdCheck;
import dev.tributary.common.auth.LoginThrottle;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.PasswordCheck;
import dev.tributary.common.log.Untrusted;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * CONNECT, PUBLISH and SUBSCRIBE decided from the node's replica of the auth topic, with no call to
 * auth-service. CONNACK 4 (bad user name or password) for unknown users, wrong passwords and invalid
 * tokens; 5 (not authorized) for a disabled principal, for a throttled address or user, and for a client id
 * the user may not use ({@link ClientIdCheck}; checked before the session registry sees the client, so the
 * device that holds the id stays connected); 3 (server unavailable) until the replica has been read once.
 */
public final class ReplicaAuth implements Authenticator, Authorizer {

    private static final Logger LOG = Logger.getLogger(ReplicaAuth.class);

    /**
     * {@code maxFailures} per address and user name, {@code maxFailuresPerAddress}, {@code maxFailuresPerUser}
     * from addresses it has not logged in from within {@code knownAddressNanos}: see {@link LoginThrottle}.
     */
    public record Settings(int credentialCacheSize, int maxFailures, int maxFailuresPerAddress, int maxFailuresPerUser,
            long failureWindowNanos, long knownAddressNanos, String tokenIssuer, int tokenClockSkewSeconds,
            int defaultHashIterations) {

        /** The per-address and per-user limits at 4 and 20 times the pair limit; 24 h for a known address. */
        public Settings(int credentialCacheSize, int maxFailures, long failureWindowNanos, String tokenIssuer,
                int tokenClockSkewSeconds) {
            this(credentialCacheSize, maxFailures, 4 * maxFailures, 20 * maxFailures, failureWindowNanos,
                    java.util.concurrent.TimeUnit.HOURS.toNanos(24), tokenIssuer, tokenClockSkewSeconds, 210_000);
        }
    }

    private final AuthReplica replica;
    private final Executor hashing;
    private final CredentialCache cache;
    private final LoginThrottle throttle;
    private final PasswordCheck passwords;
    private final TokenVerifier tokens;
    private final MeterRegistry metrics;
    // looked up once: a device spamming a denied topic must not cost a registry lookup per PUBLISH
    private final Counter deniedPublish;
    private final Counter deniedSubscribe;
    private final Counter deniedReceive;
    /**
     * Moves when a change of the replica can change what a connected client may receive: the rules, or a
     * principal's groups, disabled flag or existence (a principal added changes nothing for those connected).
     * Each {@link ClientReceiveCheck} compares it at every delivery.
     */
    private final AtomicLong aclGeneration = new AtomicLong();

    /**
     * @param hashing  where slow password hashes are verified (a bounded pool; a full pool answers 3)
     * @param disconnect  told the user names whose live connections must close
     */
    public ReplicaAuth(AuthReplica replica, Settings settings, Executor hashing, LongSupplier nanoClock,
            MeterRegistry metrics, Consumer<Set<String>> disconnect) {
        this.replica = replica;
        this.hashing = hashing;
        this.cache = new CredentialCache(settings.credentialCacheSize());
        this.throttle = new LoginThrottle(new LoginThrottle.Limits(settings.maxFailures(), settings.maxFailuresPerAddress(),
                settings.maxFailuresPerUser(), settings.failureWindowNanos(), settings.knownAddressNanos()), nanoClock);
        this.passwords = new PasswordCheck(settings.defaultHashIterations());
        this.tokens = new TokenVerifier(settings.tokenIssuer(), settings.tokenClockSkewSeconds(), replica::snapshot);
        this.metrics = metrics;
        this.deniedPublish = metrics.counter("tributary.auth.denied", "action", "publish");
        this.deniedSubscribe = metrics.counter("tributary.auth.denied", "action", "subscribe");
        this.deniedReceive = metrics.counter("tributary.auth.denied", "action", "receive");
        replica.onChange((before, after) -> {
            if (changesWhatClientsReceive(before, after)) {
                long generation = aclGeneration.incrementAndGet();
                LOG.debugf("ACL generation %d: receive decisions of connected clients are made again", generation);
            }
            Set<String> revoked = revoked(before, after);
            if (!revoked.isEmpty()) {
                LOG.infof("credentials of %s revoked, disabled or deleted: closing their connections",
                        revoked.stream().map(Untrusted::quote).toList());
                disconnect.accept(revoked);
            }
        });
        metrics.gauge("tributary.auth.credential.cache.size", cache, CredentialCache::size);
        metrics.gauge("tributary.auth.throttle.entries", throttle, LoginThrottle::size);
        metrics.more().counter("tributary.auth.dummy.hashes", java.util.List.of(), passwords, PasswordCheck::dummyChecks);
    }

    private static boolean changesWhatClientsReceive(AuthSnapshot before, AuthSnapshot after) {
        if (!before.acl().equals(after.acl())) {
            return true;
        }
        for (Map.Entry<String, Principal> entry : before.principals().entrySet()) {
            Principal now = after.principals().get(entry.getKey());
            if (now == null || now.disabled() != entry.getValue().disabled() || !now.groups().equals(entry.getValue().groups())) {
                return true;
            }
        }
        return false;
    }

    /** Users whose existing logins must end: deleted, newly disabled, or with tokens revoked / password rotated. */
    private Set<String> revoked(AuthSnapshot before, AuthSnapshot after) {
        Set<String> revoked = new HashSet<>();
        before.principals().forEach((name, old) -> {
            Principal now = after.principals().get(name);
            if (now == null || (now.disabled() && !old.disabled())
                    || now.tokensNotBeforeSeconds() > old.tokensNotBeforeSeconds()
                    || now.tokenGeneration() > old.tokenGeneration()) {
                revoked.add(name);
            }
            if (now == null || !now.passwordHash().equals(old.passwordHash())) {
                cache.forget(name);
            }
        });
        return revoked;
    }

    @Override
    public CompletionStage<ConnectCode> authenticate(ConnectAttempt attempt) {
        if (!replica.isLoaded()) {
            return now(outcome(ConnectCode.SERVER_UNAVAILABLE, "replica_not_loaded"));
        }
        String username = attempt.username();
        if (username == null) {
            // the connection refuses it unless anonymous is on
            return now(clientIdAllowed(attempt, null) ? outcome(ConnectCode.ACCEPTED, "anonymous")
                    : clientIdRefused(attempt));
        }
        // counted as a failure before any hash, so parallel attempts cannot overrun the limit; taken back on success
        LoginThrottle.Refusal throttled = throttle.attempt(attempt.remoteAddress(), username);
        if (throttled != null) {
            metrics.counter("tributary.auth.throttled", "scope", throttled.scope().tag()).increment();
            LOG.infof("CONNECT of %s as %s from %s refused: throttled (%s limit)", Untrusted.quote(attempt.clientId()),
                    Untrusted.quote(username), attempt.remoteAddress(), throttled.scope().tag());
            return now(outcome(ConnectCode.NOT_AUTHORIZED, "throttled"));
        }
        AuthSnapshot snapshot = replica.snapshot();
        Principal principal = snapshot.principals().get(username);
        if (attempt.certificateVerified()) {
            // TLS proved the identity; the principal must still exist and be enabled
            if (principal == null || principal.disabled()) {
                return now(outcome(ConnectCode.NOT_AUTHORIZED, "certificate_refused"));
            }
            throttle.succeeded(attempt.remoteAddress(), username);
            return now(clientIdAllowed(attempt, principal) ? outcome(ConnectCode.ACCEPTED, "certificate") : clientIdRefused(attempt));
        }
        byte[] password = attempt.password();
        if (password == null) {
            return now(refused(attempt, "no_password", null));
        }
        if (TokenVerifier.looksLikeToken(password) || password.length > TokenVerifier.MAX_TOKEN_BYTES) {
            return now(token(attempt, principal));
        }
        if (principal != null && cache.verified(username, principal.passwordHash(), password)) {
            return now(proven(attempt, principal, "password_cached"));
        }
        // an unknown user name costs the same hash as a known one, so timing does not tell which names exist
        String costLike = principal != null ? null : anyHash(snapshot);
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (!passwords.verify(password, principal == null ? null : principal.passwordHash(), costLike)) {
                    return refused(attempt, principal == null ? "unknown_user" : "bad_password", null);
                }
                cache.remember(username, principal.passwordHash(), password);
                return proven(attempt, principal, "password");
            }, hashing);
        } catch (RejectedExecutionException e) {
            throttle.abandoned(attempt.remoteAddress(), username);
            return now(outcome(ConnectCode.SERVER_UNAVAILABLE, "hash_queue_full"));
        }
    }

    /** The hash of some principal, whose cost the dummy hash copies; null when there is none. */
    private static String anyHash(AuthSnapshot snapshot) {
        var principals = snapshot.principals().values().iterator();
        return principals.hasNext() ? principals.next().passwordHash() : null;
    }

    private ConnectCode token(ConnectAttempt attempt, Principal principal) {
        TokenVerifier.Refusal[] why = new TokenVerifier.Refusal[1];
        TokenVerifier.Verified verified = tokens.verify(attempt.password(), attempt.username(), Instant.now(), why);
        if (verified == null) {
            return refused(attempt, why[0].reason(), why[0].detail());
        }
        if (principal == null) {
            return refused(attempt, "token_unknown_user", null);
        }
        // a generation tells a token issued in the same second as a revocation apart; iat only to the second
        boolean revoked = verified.generation() != null ? verified.generation() < principal.tokenGeneration()
                : verified.issuedAtSeconds() < principal.tokensNotBeforeSeconds();
        if (revoked) {
            return refused(attempt, "token_revoked", null);
        }
        return proven(attempt, principal, "token");
    }

    /** The credentials are right: accepted unless the principal is disabled. */
    private ConnectCode proven(ConnectAttempt attempt, Principal principal, String how) {
        if (principal.disabled()) {
            return outcome(ConnectCode.NOT_AUTHORIZED, "disabled");
        }
        throttle.succeeded(attempt.remoteAddress(), attempt.username());
        return clientIdAllowed(attempt, principal) ? outcome(ConnectCode.ACCEPTED, how) : clientIdRefused(attempt);
    }

    private boolean clientIdAllowed(ConnectAttempt attempt, Principal principal) {
        AclCheck.Subject subject = new AclCheck.Subject(attempt.username(), attempt.clientId(),
                principal == null ? null : principal.groups());
        return ClientIdCheck.mayConnect(replica.snapshot().acl(), subject);
    }

    /** Right credentials, someone else's client id: not a failed login (no throttle count), a refusal. */
    private ConnectCode clientIdRefused(ConnectAttempt attempt) {
        LOG.infof("CONNECT of %s as %s from %s refused: the client id is not one this user may use",
                Untrusted.quote(attempt.clientId()), Untrusted.quote(attempt.username()), attempt.remoteAddress());
        return outcome(ConnectCode.NOT_AUTHORIZED, "client_id_refused");
    }

    /** Bad credentials: CONNACK 4; the failure was counted before the check. */
    private ConnectCode refused(ConnectAttempt attempt, String reason, String detail) {
        LOG.infof("CONNECT of %s as %s from %s refused: %s%s", Untrusted.quote(attempt.clientId()),
                Untrusted.quote(attempt.username()), attempt.remoteAddress(), reason, detail == null ? "" : " (" + detail + ")");
        return outcome(ConnectCode.BAD_USERNAME_OR_PASSWORD, reason);
    }

    private ConnectCode outcome(ConnectCode code, String outcome) {
        metrics.counter("tributary.auth.connects", "outcome", outcome).increment();
        return code;
    }

    private static CompletionStage<ConnectCode> now(ConnectCode code) {
        return CompletableFuture.completedFuture(code);
    }

    @Override
    public boolean mayPublish(String clientId, String username, String topic) {
        return decide(clientId, username, topic, true);
    }

    @Override
    public boolean maySubscribe(String clientId, String username, String filter) {
        return decide(clientId, username, filter, false);
    }

    @Override
    public ReceiveCheck receiveCheck(String clientId, String username) {
        return new ClientReceiveCheck(this, clientId, username);
    }

    @Override
    public PublishCheck publishCheck(String clientId, String username) {
        return new ClientPublishCheck(this, clientId, username);
    }

    long aclGeneration() {
        return aclGeneration.get();
    }

    /** The client's receive rules from the current snapshot, or null when it may receive nothing. */
    AclCheck.SubjectRules receiveRules(String clientId, String username) {
        AuthSnapshot snapshot = replica.snapshot();
        AclCheck.Subject subject = subject(snapshot, clientId, username);
        return subject == null ? null : AclCheck.compile(snapshot.acl(), subject, Action.SUBSCRIBE);
    }

    /** The client's publish rules from the current snapshot, or null when it may publish nothing. */
    AclCheck.SubjectRules publishRules(String clientId, String username) {
        AuthSnapshot snapshot = replica.snapshot();
        AclCheck.Subject subject = subject(snapshot, clientId, username);
        return subject == null ? null : AclCheck.compile(snapshot.acl(), subject, Action.PUBLISH);
    }

    /** Counts a denied PUBLISH; false, to return. */
    boolean deniedPublish() {
        deniedPublish.increment();
        return false;
    }

    void deniedReceive() {
        deniedReceive.increment();
    }

    void deniedSubscribe() {
        deniedSubscribe.increment();
    }

    /** Who the client is under {@code snapshot}, or null for a user that is unknown or disabled. */
    private static AclCheck.Subject subject(AuthSnapshot snapshot, String clientId, String username) {
        if (username == null) {
            return new AclCheck.Subject(null, clientId, null);
        }
        Principal principal = snapshot.principals().get(username);
        if (principal == null || principal.disabled()) {
            return null;
        }
        return new AclCheck.Subject(username, clientId, principal.groups());
    }

    private boolean decide(String clientId, String username, String topicOrFilter, boolean publish) {
        AuthSnapshot snapshot = replica.snapshot();
        AclCheck.Subject subject = subject(snapshot, clientId, username);
        if (subject == null) {
            return denied(publish);
        }
        boolean allowed = publish ? AclCheck.mayPublish(snapshot.acl(), subject, topicOrFilter)
                : AclCheck.maySubscribe(snapshot.acl(), subject, topicOrFilter);
        return allowed || denied(publish);
    }

    private boolean denied(boolean publish) {
        (publish ? deniedPublish : deniedSubscribe).increment();
        return false;
    }
}
