package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthRecords.Who;

class AuthTopicContentsTest {

    private final AuthTopicContents contents = new AuthTopicContents();

    @Test
    void theLatestValuePerKeyWins_andATombstoneDeletesAPrincipal() {
        Principal v1 = new Principal("v1", Kind.DEVICE, "$7$1$a$b", List.of("trucks"), false, 0);
        contents.apply(AuthRecords.principalKey("v1"), AuthRecords.encode(v1));
        contents.apply(AuthRecords.principalKey("v1"), AuthRecords.encode(v1.withDisabled(true)));
        contents.apply(AuthRecords.principalKey("v2"), AuthRecords.encode(v1.withDisabled(false)));
        assertThat(contents.principal("v1")).hasValueSatisfying(p -> assertThat(p.disabled()).isTrue());
        contents.apply(AuthRecords.principalKey("v1"), null);
        assertThat(contents.principal("v1")).isEmpty();
        assertThat(contents.principalsByName()).containsOnlyKeys("v2");

        List<AclRule> acl = List.of(new AclRule(Who.ANY, null, "fleet/${clientid}/#", Action.BOTH, true));
        contents.apply(AuthRecords.ACL_KEY, AuthRecords.encode(acl));
        contents.apply(AuthRecords.KEYS_KEY, AuthRecords.encode(List.of(new SigningKey("k", "RS256", "AAAA"))));
        assertThat(contents.acl()).isEqualTo(acl);
        assertThat(contents.keys()).extracting(SigningKey::kid).containsExactly("k");
    }

    @Test
    void unknownKeysAreIgnored_andAnUnreadableValueChangesNothing() {
        contents.apply("something-newer", "{}".getBytes(StandardCharsets.UTF_8));
        contents.apply(null, null);
        assertThatThrownBy(() -> contents.apply(AuthRecords.ACL_KEY, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(contents.acl()).isEmpty();
        assertThat(contents.principals()).isEmpty();
    }

    @Test
    void recordsWrittenBeforeTokenGenerationsAndKeyRetirement_readWithGenerationZeroAndNoRetirement() {
        Principal old = AuthRecords.principal(("{\"username\":\"v1\",\"kind\":\"DEVICE\",\"passwordHash\":\"$7$1$a$b\","
                + "\"groups\":[],\"disabled\":false,\"tokensNotBeforeSeconds\":7}").getBytes(StandardCharsets.UTF_8));
        assertThat(old.tokenGeneration()).isZero();
        assertThat(old.tokensNotBeforeSeconds()).isEqualTo(7);
        SigningKey key = AuthRecords.keys("[{\"kid\":\"k\",\"algorithm\":\"RS256\",\"publicKey\":\"AAAA\"}]"
                .getBytes(StandardCharsets.UTF_8)).get(0);
        assertThat(key.retiresAtSeconds()).isNull();
        assertThat(key.retiredAt(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void revokingTokens_raisesTheGenerationPastTheCurrentOneAndPastWhatAnEarlierPrincipalCouldHaveHad() {
        java.time.Instant now = java.time.Instant.ofEpochSecond(1_000, 123_456_000);
        Principal created = new Principal("v1", Kind.DEVICE, "$7$1$a$b", List.of(), false, 1_000,
                Principal.firstTokenGeneration(now));
        assertThat(created.tokenGeneration()).isEqualTo(1_000_123_456L);
        Principal revoked = created.withTokensRevoked(now);
        assertThat(revoked.tokenGeneration()).as("the same microsecond still moves it").isEqualTo(1_000_123_457L);
        assertThat(revoked.tokensNotBeforeSeconds()).isEqualTo(1_001);
        Principal later = revoked.withTokensRevoked(now.plusSeconds(5));
        assertThat(later.tokenGeneration()).isEqualTo(1_005_123_456L);
        Principal read = AuthRecords.principal(AuthRecords.encode(later));
        assertThat(read).isEqualTo(later);
        SigningKey retiring = new SigningKey("k", "RS256", "AAAA").retiringAt(2_000);
        assertThat(AuthRecords.keys(AuthRecords.encode(List.of(retiring)))).containsExactly(retiring);
        assertThat(retiring.retiredAt(1_999)).isFalse();
        assertThat(retiring.retiredAt(2_000)).isTrue();
    }
}
