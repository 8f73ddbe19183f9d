package dev.tributary.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.edge.auth.Authenticator.ConnectAttempt;
import dev.tributary.edge.mqtt.Packet.ConnectCode;
import dev.tributary.testsupport.LogLines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The edge's auth decisions from a replica set by hand: no Kafka, no sockets. */
class ReplicaAuthTest {

    private static final String HASH = PasswordHashes.hash("right-password", 1000);
    private static KeyPair signing;

    private final InMemoryAuthReplica replica = new InMemoryAuthReplica();
    private final AtomicInteger hashesVerified = new AtomicInteger();
    private final Executor countingHashPool = task -> {
        hashesVerified.incrementAndGet();
        task.run();
    };
    private final AtomicLong clock = new AtomicLong();
    private final List<Set<String>> disconnected = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ReplicaAuth auth = new ReplicaAuth(replica, new ReplicaAuth.Settings(100, 3, 60_000_000_000L, "tributary", 30),
            countingHashPool, clock::get, metrics, disconnected::add);

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        signing = generator.generateKeyPair();
    }

    private void principals(Principal... principals) {
        Map<String, Principal> byName = new java.util.HashMap<>();
        for (Principal p : principals) {
            byName.put(p.username(), p);
        }
        replica.set(new AuthSnapshot(byName, List.of(
                new AclRule(Who.ANY, null, "fleet/${username}/#", Action.BOTH, true),
                new AclRule(Who.GROUP, "ops", "#", Action.SUBSCRIBE, true)),
                Map.<String, PublicKey>of("k1", signing.getPublic())));
    }

    private static Principal device(String name) {
        return new Principal(name, Kind.DEVICE, HASH, List.of(), false, 0);
    }

    private ConnectCode connect(String user, String password) {
        return connect(user, password, "10.0.0.1");
    }

    private ConnectCode connect(String user, String password, String address) {
        return connectAs(user + "-c", user, password, address);
    }

    private ConnectCode connectAs(String clientId, String user, String password, String address) {
        return auth.authenticate(new ConnectAttempt(clientId, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), address, false))
                .toCompletableFuture().join();
    }

    @Test
    void aUserWithTheRightPassword_mayNotTakeAnotherDevicesClientId_code5_andItIsNoFailedLogin() {
        principals(device("v1"), device("v2"));
        for (int i = 0; i < 5; i++) { // more than maxFailures (3): a refused id is not a guess
            assertThat(connectAs("v2", "v1", "right-password", "10.0.0.1")).isEqualTo(ConnectCode.NOT_AUTHORIZED);
        }
        assertThat(connectAs("v2-engine", "v1", "right-password", "10.0.0.1")).isEqualTo(ConnectCode.NOT_AUTHORIZED);
        assertThat(connectAs("v1", "v1", "right-password", "10.0.0.1")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(connectAs("v1-engine", "v1", "right-password", "10.0.0.1")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(metrics.counter("tributary.auth.connects", "outcome", "client_id_refused").count()).isEqualTo(6);
    }

    @Test
    void aConnectRuleGrantsOtherClientIds_andTheCertificatePathObeysItToo() {
        Map<String, Principal> byName = Map.of("gw", device("gw").withGroups(List.of("gateways")), "v1", device("v1"));
        replica.set(new AuthSnapshot(byName, List.of(
                new AclRule(Who.GROUP, "gateways", "site-*", Action.CONNECT, true)), Map.of()));
        assertThat(connectAs("site-7", "gw", "right-password", "10.0.0.1")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(connectAs("site-7", "v1", "right-password", "10.0.0.1")).isEqualTo(ConnectCode.NOT_AUTHORIZED);
        ConnectCode byCertificate = auth.authenticate(new ConnectAttempt("site-8", "v1", null, "10.0.0.1", true))
                .toCompletableFuture().join();
        assertThat(byCertificate).isEqualTo(ConnectCode.NOT_AUTHORIZED);
        ConnectCode ownByCertificate = auth.authenticate(new ConnectAttempt("v1", "v1", null, "10.0.0.1", true))
                .toCompletableFuture().join();
        assertThat(ownByCertificate).isEqualTo(ConnectCode.ACCEPTED);
    }

    @Test
    void anAnonymousClientKeepsAnyClientId_unlessAConnectRuleDeniesIt() {
        principals();
        assertThat(connectAs("whatever-it-likes", null, null, "10.0.0.1")).isEqualTo(ConnectCode.ACCEPTED);
        replica.set(new AuthSnapshot(Map.of(), List.of(
                new AclRule(Who.ANONYMOUS, null, "v*", Action.CONNECT, false)), Map.of()));
        assertThat(connectAs("v1", null, null, "10.0.0.1")).isEqualTo(ConnectCode.NOT_AUTHORIZED);
        assertThat(connectAs("sensor-1", null, null, "10.0.0.1")).isEqualTo(ConnectCode.ACCEPTED);
    }

    @Test
    void rightPassword_isAccepted_wrongOrUnknown_getCode4() {
        principals(device("v1"));
        assertThat(connect("v1", "right-password")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(connect("v1", "wrong-password")).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(connect("nobody", "right-password")).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(connect("v1", null)).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    void disabledPrincipal_withRightPassword_getsCode5() {
        principals(device("v1").withDisabled(true));
        assertThat(connect("v1", "right-password")).isEqualTo(ConnectCode.NOT_AUTHORIZED);
    }

    @Test
    void beforeTheReplicaIsLoaded_everyConnectGetsCode3() {
        principals(device("v1"));
        replica.setLoaded(false);
        assertThat(connect("v1", "right-password")).isEqualTo(ConnectCode.SERVER_UNAVAILABLE);
    }

    @Test
    void aReconnectWithTheSamePassword_costsNoSecondSlowHash_butAChangedHashDoes() {
        principals(device("v1"));
        assertThat(connect("v1", "right-password")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(connect("v1", "right-password")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(hashesVerified).hasValue(1);
        assertThat(connect("v1", "wrong-password")).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(hashesVerified).as("a wrong password is never answered from the cache").hasValue(2);

        principals(device("v1").withPasswordHash(PasswordHashes.hash("new-password", 1000)));
        assertThat(connect("v1", "right-password")).as("the old password after a rotation")
                .isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(connect("v1", "new-password")).isEqualTo(ConnectCode.ACCEPTED);
    }

    @Test
    void afterMaxFailures_anAddressIsThrottledForThatUser_untilTheWindowPasses_withoutAHash() {
        principals(device("v1"), device("v2"));
        for (int i = 0; i < 3; i++) {
            assertThat(connect("v1", "guess-" + i)).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        }
        int before = hashesVerified.get();
        assertThat(connect("v1", "right-password")).as("same address, same user").isEqualTo(ConnectCode.NOT_AUTHORIZED);
        assertThat(hashesVerified.get()).as("a throttled attempt costs no hash").isEqualTo(before);
        assertThat(connect("v1", "right-password", "10.0.0.2")).as("same user, other address: not locked out")
                .isEqualTo(ConnectCode.ACCEPTED);
        assertThat(connect("v2", "right-password")).as("same address, other user").isEqualTo(ConnectCode.ACCEPTED);
        for (int i = 0; i < 9; i++) {
            assertThat(connect("u" + i, "guess")).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        }
        assertThat(connect("v2", "right-password")).as("12 (4 x 3) failures from the address: every user name")
                .isEqualTo(ConnectCode.NOT_AUTHORIZED);

        clock.addAndGet(61_000_000_000L);
        assertThat(connect("v1", "right-password")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(metrics.counter("tributary.auth.connects", "outcome", "throttled").count()).isEqualTo(2);
        assertThat(metrics.counter("tributary.auth.throttled", "scope", "pair").count()).isEqualTo(1);
        assertThat(metrics.counter("tributary.auth.throttled", "scope", "address").count()).isEqualTo(1);
    }

    @Test
    void anUnknownUsersPassword_isCheckedAgainstADummyHash_asAKnownUsersIsAgainstItsOwn() {
        principals(device("v1"));
        assertThat(connect("nobody", "some-password")).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(hashesVerified).as("a hash was computed on the hashing pool").hasValue(1);
        assertThat(metrics.find("tributary.auth.dummy.hashes").functionCounter().count()).isEqualTo(1);
        assertThat(metrics.counter("tributary.auth.connects", "outcome", "unknown_user").count()).isEqualTo(1);
    }

    @Test
    void parallelConnects_areCountedBeforeTheirHashesAreComputed() {
        principals(device("v1"));
        List<Runnable> queued = new ArrayList<>();
        ReplicaAuth slow = new ReplicaAuth(replica, new ReplicaAuth.Settings(100, 3, 60_000_000_000L, "tributary", 30),
                queued::add, clock::get, new SimpleMeterRegistry(), disconnected::add);
        List<java.util.concurrent.CompletableFuture<ConnectCode>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(slow.authenticate(new ConnectAttempt("c", "v1", "guess".getBytes(StandardCharsets.UTF_8), "10.0.0.9", false))
                    .toCompletableFuture());
        }
        assertThat(queued).as("only three hashes may be under way for one address and user").hasSize(3);
        assertThat(answers.get(3).join()).isEqualTo(ConnectCode.NOT_AUTHORIZED);
        queued.forEach(Runnable::run);
        assertThat(answers.get(0).join()).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    void aValidToken_worksAsThePassword_untilItExpiresOrIsRevoked() throws Exception {
        long now = Instant.now().getEpochSecond();
        principals(device("v1"));
        // each refusal from its own address, so the throttle stays out of this test
        assertThat(connect("v1", token("v1", "k1", now, now + 60), "10.0.1.1")).isEqualTo(ConnectCode.ACCEPTED);
        assertThat(connect("v1", token("v1", "k1", now - 120, now - 60), "10.0.1.2")).as("expired")
                .isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(connect("v2", token("v1", "k1", now, now + 60), "10.0.1.3")).as("someone else's token")
                .isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(connect("v1", token("v1", "unknown", now, now + 60), "10.0.1.4")).as("a key the auth topic never named")
                .isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
        assertThat(metrics.counter("tributary.auth.connects", "outcome", "token_unknown_key").count()).isEqualTo(1);
        assertThat(metrics.counter("tributary.auth.connects", "outcome", "token_expired").count()).isEqualTo(1);
        String valid = token("v1", "k1", now - 10, now + 60);
        principals(device("v1").withTokensNotBefore(now));
        assertThat(connect("v1", valid, "10.0.1.5")).as("issued before the revocation")
                .isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    void aTokenSignedWithAnotherKey_isRefused() throws Exception {
        long now = Instant.now().getEpochSecond();
        principals(device("v1"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String forged = token("v1", "k1", now, now + 60, generator.generateKeyPair());
        assertThat(connect("v1", forged)).isEqualTo(ConnectCode.BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    void acl_usesThePrincipalsGroups_andDeniesDisabledOrUnknownUsers() {
        principals(device("v1"), new Principal("olga", Kind.USER, HASH, List.of("ops"), false, 0), device("v9").withDisabled(true));
        assertThat(auth.mayPublish("c", "v1", "fleet/v1/telemetry")).isTrue();
        assertThat(auth.mayPublish("c", "v1", "fleet/v2/telemetry")).isFalse();
        assertThat(auth.maySubscribe("c", "olga", "#")).isTrue();
        assertThat(auth.maySubscribe("c", "v1", "#")).as("fleet/v1/... could be received").isTrue();
        assertThat(auth.maySubscribe("c", "v1", "other/#")).isFalse();
        assertThat(auth.mayPublish("c", "v9", "fleet/v9/telemetry")).isFalse();
        assertThat(auth.mayPublish("c", "ghost", "fleet/ghost/telemetry")).isFalse();
        assertThat(metrics.counter("tributary.auth.denied", "action", "publish").count()).isEqualTo(3);
        assertThat(metrics.counter("tributary.auth.denied", "action", "subscribe").count()).isEqualTo(1);
    }

    @Test
    void receiveCheck_aWhollyAllowedSubscriptionNeedsNoPerTopicDecision_othersAreCachedWithinABound() {
        principals(device("v1"), new Principal("olga", Kind.USER, HASH, List.of("ops"), false, 0));
        ClientReceiveCheck own = (ClientReceiveCheck) auth.receiveCheck("c1", "v1");
        Map<String, Integer> ownTree = Map.of("fleet/v1/#", 1);
        for (int i = 0; i < 100; i++) {
            assertThat(own.mayReceive("fleet/v1/t" + i, ownTree, 1)).isTrue();
        }
        assertThat(own.cachedEntries()).as("the fast path decided every one").isZero();

        ClientReceiveCheck everything = (ClientReceiveCheck) auth.receiveCheck("c2", "v1");
        Map<String, Integer> all = Map.of("#", 0);
        assertThat(everything.mayReceive("fleet/v1/status", all, 1)).isTrue();
        assertThat(everything.mayReceive("fleet/v2/status", all, 1)).isFalse();
        for (int i = 0; i < 1_000; i++) {
            everything.mayReceive("fleet/v" + i + "/status", all, 1);
        }
        assertThat(everything.cachedEntries()).isPositive().isLessThanOrEqualTo(ClientReceiveCheck.CACHE_SIZE);
        assertThat(metrics.counter("tributary.auth.denied", "action", "receive").count()).isEqualTo(1_000);
    }

    @Test
    void receiveCheck_debugLinesQuoteTheClientsNamesAndTopics_soNoneForgesALine() {
        principals(device("v1"));
        String clientId = "v1-c\nINFO forged line";
        String topic = "fleet/v2/\u001b[2Jstatus";
        List<String> lines;
        try (LogLines debug = LogLines.withDebug(ClientReceiveCheck.class.getName())) {
            assertThat(auth.receiveCheck(clientId, "v1").mayReceive(topic, Map.of("#", 0), 1)).isFalse();
            assertThat(auth.receiveCheck(clientId, "v1\r\nghost").mayReceive(topic, Map.of("#", 0), 1)).isFalse();
            lines = debug.lines();
        }
        assertThat(lines).containsExactly(
                "not delivering \"fleet/v2/\\u001b[2Jstatus\" to \"v1-c\\nINFO forged line\" (user \"v1\"): no rule allows receiving it",
                "not delivering \"fleet/v2/\\u001b[2Jstatus\" to \"v1-c\\nINFO forged line\": user \"v1\\r\\nghost\" is unknown or disabled");
    }

    @Test
    void receiveCheck_aNewSubscriptionJoinsTheFastPathOnlyWhenItIsWhollyAllowed() {
        principals(new Principal("olga", Kind.USER, HASH, List.of("ops"), false, 0));
        ClientReceiveCheck check = (ClientReceiveCheck) auth.receiveCheck("c", "olga");
        Map<String, Integer> subscriptions = new java.util.HashMap<>(Map.of("fleet/olga/#", 1));
        assertThat(check.mayReceive("fleet/olga/x", subscriptions, 1)).isTrue();
        subscriptions.put("#", 0);
        assertThat(check.mayReceive("other/topic", subscriptions, 2)).as("ops read everything").isTrue();
        assertThat(check.cachedEntries()).isZero();
    }

    @Test
    void receiveCheck_followsTheReplica_aRuleOrGroupChangeDecidesAgain_aNewPrincipalDoesNot() {
        principals(device("v1"), new Principal("olga", Kind.USER, HASH, List.of("ops"), false, 0));
        ReceiveCheck olga = auth.receiveCheck("c", "olga");
        Map<String, Integer> all = Map.of("#", 0);
        assertThat(olga.mayReceive("fleet/v1/telemetry", all, 1)).isTrue();
        long generation = auth.aclGeneration();

        principals(device("v1"), new Principal("olga", Kind.USER, HASH, List.of("ops"), false, 0), device("v2"));
        assertThat(auth.aclGeneration()).as("a principal added changes nobody's rights").isEqualTo(generation);

        principals(device("v1"), new Principal("olga", Kind.USER, HASH, List.of(), false, 0), device("v2"));
        assertThat(auth.aclGeneration()).isGreaterThan(generation);
        assertThat(olga.mayReceive("fleet/v1/telemetry", all, 1)).as("no longer in ops").isFalse();

        replica.set(new AuthSnapshot(replica.snapshot().principals(),
                List.of(new AclRule(Who.USER, "olga", "fleet/+/telemetry", Action.SUBSCRIBE, true)), Map.of()));
        assertThat(olga.mayReceive("fleet/v1/telemetry", all, 1)).as("a rule for her alone").isTrue();
        assertThat(olga.mayReceive("fleet/v1/status", all, 1)).isFalse();
    }

    @Test
    void publishCheck_decidesAsMayPublish_andFollowsTheReplica() {
        principals(device("v1"));
        PublishCheck v1 = auth.publishCheck("c", "v1");
        assertThat(v1.mayPublish("fleet/v1/telemetry")).isTrue();
        assertThat(v1.mayPublish("fleet/v1/telemetry")).as("the same topic again").isTrue();
        assertThat(v1.mayPublish("fleet/v2/telemetry")).isFalse();

        replica.set(new AuthSnapshot(replica.snapshot().principals(),
                List.of(new AclRule(Who.USER, "v1", "fleet/v1/status", Action.PUBLISH, true)), Map.of()));
        assertThat(v1.mayPublish("fleet/v1/telemetry")).as("its rule is gone").isFalse();
        assertThat(v1.mayPublish("fleet/v1/status")).isTrue();

        principals(device("v2"));
        assertThat(v1.mayPublish("fleet/v1/status")).as("v1 deleted").isFalse();
        assertThat(metrics.counter("tributary.auth.denied", "action", "publish").count()).isEqualTo(3);
    }

    @Test
    void disablingDeletingOrRevoking_namesTheUsersWhoseConnectionsMustClose() {
        principals(device("v1"), device("v2"), device("v3"), device("v4"));
        principals(device("v1").withDisabled(true), device("v2").withTokensNotBefore(5), device("v4"));
        assertThat(disconnected).containsExactly(Set.of("v1", "v2", "v3"));
    }

    private static String token(String user, String kid, long issuedAt, long expires) throws Exception {
        return token(user, kid, issuedAt, expires, signing);
    }

    private static String token(String user, String kid, long issuedAt, long expires, KeyPair key) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("tributary");
        claims.setClaim("upn", user);
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt));
        claims.setExpirationTime(NumericDate.fromSeconds(expires));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivate());
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }
}
