package dev.tributary.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.HashUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;

import dev.tributary.common.auth.AuthRecords;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.PasswordHashes;
import dev.tributary.edge.EdgeNode;
import dev.tributary.testsupport.LogLines;
import dev.tributary.testsupport.AuthTopicWriter;
import dev.tributary.testsupport.KafkaTestResource;
import dev.tributary.testsupport.NettyLeakCheck;
import dev.tributary.testsupport.SharedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Tokens used as the MQTT password against a real edge over real MQTT CONNECTs: forged, stale and oversized
 * tokens are each refused with CONNACK 4 (bad user name or password: the credential is not valid) and a log
 * line naming the reason; revocation in the same second as the issue is exact; a retired key is refused.
 * The auth topic is written here as auth-service writes it, with a key pair this test holds.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
@ExtendWith(NettyLeakCheck.class)
class TokenAttacksIT {

    private static final String HASH = PasswordHashes.hash("device-password", 1000);
    private static KeyPair signing;
    private static KeyPair retired;
    private static AuthTopicWriter authTopic;

    @Inject
    EdgeNode node;

    private LogLines loggedLines;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        signing = generator.generateKeyPair();
        retired = generator.generateKeyPair();
        authTopic = AuthTopicWriter.on(SharedKafka.get().bootstrapServers(), AuthProfile.TOPIC);
        long now = Instant.now().getEpochSecond();
        authTopic.keys(List.of(
                new SigningKey("attack-k1", "RS256", Base64.getEncoder().encodeToString(signing.getPublic().getEncoded())),
                new SigningKey("attack-old", "RS256", Base64.getEncoder().encodeToString(retired.getPublic().getEncoded()))
                        .retiringAt(now - 1)));
    }

    @AfterAll
    static void close() {
        authTopic.close();
    }

    @BeforeEach
    void capture() {
        loggedLines = LogLines.of(ReplicaAuth.class.getName());
    }

    @AfterEach
    void release() {
        loggedLines.close();
    }

    private Principal principal(String prefix, long generation) throws Exception {
        Principal p = new Principal(prefix + "-" + UUID.randomUUID().toString().substring(0, 8), Kind.DEVICE, HASH, List.of(),
                false, 0, generation);
        authTopic.principal(p);
        await().atMost(Duration.ofSeconds(10)).until(() -> p.equals(node.authReplica().snapshot().principals().get(p.username()))
                && node.authReplica().snapshot().keys().containsKey("attack-k1"));
        return p;
    }

    private Mqtt3ConnAckReturnCode connect(String user, String password) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(user).serverHost("127.0.0.1")
                .serverPort(node.server().port()).buildBlocking();
        try {
            client.connectWith().simpleAuth().username(user).password(password.getBytes(StandardCharsets.US_ASCII))
                    .applySimpleAuth().send();
            client.disconnect();
            return Mqtt3ConnAckReturnCode.SUCCESS;
        } catch (Mqtt3ConnAckException e) {
            return e.getMqttMessage().getReturnCode();
        }
    }

    private static JwtClaims claims(String user, long generation) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("tributary");
        claims.setClaim("upn", user);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim(AuthRecords.TOKEN_GENERATION_CLAIM, generation);
        return claims;
    }

    private static String sign(JwtClaims claims, String kid, KeyPair key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivate());
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Refused with CONNACK 4, and the log line names the reason. */
    private void refused(String user, String token, String reason) {
        assertThat(connect(user, token)).as(reason).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(loggedLines.lines())
                .anyMatch(l -> l.contains("as \"" + user + "\"") && l.contains("refused: " + reason)));
    }

    @Test
    void aValidToken_connects() throws Exception {
        Principal p = principal("tok-ok", 7);
        assertThat(connect(p.username(), sign(claims(p.username(), 7), "attack-k1", signing))).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    }

    @Test
    void algNone_isRefused() throws Exception {
        Principal p = principal("tok-none", 1);
        String unsigned = b64("{\"alg\":\"none\",\"kid\":\"attack-k1\"}") + "." + b64(claims(p.username(), 1).toJson()) + ".";
        refused(p.username(), unsigned, "token_algorithm");
    }

    @Test
    void hs256SignedWithThePublicKey_isRefused() throws Exception {
        Principal p = principal("tok-hs", 1);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(p.username(), 1).toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue("attack-k1");
        jws.setKey(new SecretKeySpec(signing.getPublic().getEncoded(), HashUtil.SHA_256));
        jws.setDoKeyValidation(false);
        refused(p.username(), jws.getCompactSerialization(), "token_algorithm");
    }

    @Test
    void expired_notYetValid_wrongIssuer_unknownKid_anotherKeysSignature_areRefused() throws Exception {
        Principal p = principal("tok-stale", 1);
        String user = p.username();
        JwtClaims expired = claims(user, 1);
        expired.setIssuedAt(NumericDate.fromSeconds(Instant.now().getEpochSecond() - 600));
        expired.setExpirationTime(NumericDate.fromSeconds(Instant.now().getEpochSecond() - 300));
        refused(user, sign(expired, "attack-k1", signing), "token_expired");
        JwtClaims early = claims(user, 1);
        early.setNotBefore(NumericDate.fromSeconds(Instant.now().getEpochSecond() + 120)); // beyond the 30 s skew, before exp
        refused(user, sign(early, "attack-k1", signing), "token_not_yet_valid");
        JwtClaims issuer = claims(user, 1);
        issuer.setIssuer("someone-else");
        refused(user, sign(issuer, "attack-k1", signing), "token_wrong_issuer");
        refused(user, sign(claims(user, 1), "no-such-kid", signing), "token_unknown_key");
        refused(user, sign(claims(user, 1), "attack-k1", retired), "token_bad_signature");
    }

    @Test
    void anOversizedToken_isRefusedBeforeParsing() throws Exception {
        Principal p = principal("tok-big", 1);
        JwtClaims big = claims(p.username(), 1);
        big.setClaim("padding", "x".repeat(10_000));
        refused(p.username(), sign(big, "attack-k1", signing), "token_oversized");
    }

    @Test
    void aTokenSignedByARetiredKey_isRefused() throws Exception {
        Principal p = principal("tok-retired", 1);
        refused(p.username(), sign(claims(p.username(), 1), "attack-old", retired), "token_retired_key");
    }

    @Test
    void revokedInTheSameSecondAsIssued_theOldTokenIsRefused_andTheNewOneAccepted() throws Exception {
        Principal p = principal("tok-rev", 1_000);
        String before = sign(claims(p.username(), 1_000), "attack-k1", signing);
        assertThat(connect(p.username(), before)).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
        // revoked (the generation moves on); iat of both tokens is the same second
        Principal revoked = new Principal(p.username(), Kind.DEVICE, HASH, List.of(), false, 0, 1_001);
        authTopic.principal(revoked);
        await().atMost(Duration.ofSeconds(10)).until(() -> revoked.equals(node.authReplica().snapshot().principals().get(p.username())));
        String after = sign(claims(p.username(), 1_001), "attack-k1", signing);
        refused(p.username(), before, "token_revoked");
        assertThat(connect(p.username(), after)).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    }
}
