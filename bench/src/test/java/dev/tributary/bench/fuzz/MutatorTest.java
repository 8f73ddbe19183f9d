package dev.tributary.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MutatorTest {

    private static final Corpus CORPUS = Corpus.load();

    @Test
    void theSameSeedAndNumber_sendTheSameBytes_soARunCanBeReplayed() {
        Mutator one = new Mutator(CORPUS, 42);
        Mutator again = new Mutator(CORPUS, 42);
        for (long n = 0; n < 200; n++) {
            Mutator.Attempt a = one.attempt(n);
            Mutator.Attempt b = again.attempt(n);
            assertThat(b.bytes()).isEqualTo(a.bytes());
            assertThat(b.mutations()).isEqualTo(a.mutations());
            assertThat(b.webSocket()).isEqualTo(a.webSocket());
            assertThat(b.ending()).isEqualTo(a.ending());
        }
        assertThat(new Mutator(CORPUS, 43).attempt(7).bytes()).isNotEqualTo(one.attempt(7).bytes());
    }

    @Test
    void aThousandConnections_useEveryMutation_bothTransports_andEveryEnding() {
        Mutator mutator = new Mutator(CORPUS, 1);
        Set<Mutator.Kind> kinds = EnumSet.noneOf(Mutator.Kind.class);
        Set<Mutator.Ending> endings = EnumSet.noneOf(Mutator.Ending.class);
        Set<Boolean> transports = new java.util.HashSet<>();
        int unmutated = 0;
        for (long n = 0; n < 1_000; n++) {
            Mutator.Attempt attempt = mutator.attempt(n);
            kinds.addAll(attempt.mutations());
            endings.add(attempt.ending());
            transports.add(attempt.webSocket());
            unmutated += attempt.mutations().isEmpty() ? 1 : 0;
        }
        assertThat(kinds).containsExactlyInAnyOrder(Mutator.Kind.values());
        assertThat(endings).containsExactlyInAnyOrder(Mutator.Ending.values());
        assertThat(transports).containsExactlyInAnyOrder(true, false);
        assertThat(unmutated).as("seeds replayed as recorded, the baseline").isBetween(50, 150);
    }
}
