package dev.tributary.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class EndedTokensTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anEndedTokenIsKnown_untilTheTableMakesRoomByDroppingExpiredOnes() {
        EndedTokens ended = new EndedTokens(2, Clock.fixed(NOW, ZoneOffset.UTC));
        long past = NOW.getEpochSecond() - 1;
        long future = NOW.getEpochSecond() + 60;
        assertThat(ended.end("a", past)).isTrue();
        assertThat(ended.end("b", future)).isTrue();
        assertThat(ended.contains("a")).isTrue();

        assertThat(ended.end("c", future)).as("a is expired: its place is taken").isTrue();
        assertThat(ended.contains("a")).isFalse();
        assertThat(ended.contains("b")).isTrue();
        assertThat(ended.contains("c")).isTrue();
    }

    @Test
    void aFullTableOfLiveTokens_refusesAnotherEnd_ratherThanForgetOne() {
        EndedTokens ended = new EndedTokens(2, Clock.fixed(NOW, ZoneOffset.UTC));
        long future = NOW.getEpochSecond() + 60;
        ended.end("a", future);
        ended.end("b", future);
        assertThat(ended.end("c", future)).isFalse();
        assertThat(ended.contains("c")).isFalse();
        assertThat(ended.end("a", future)).as("ending an ended token again is fine").isTrue();
        assertThat(ended.size()).isEqualTo(2);
    }
}
