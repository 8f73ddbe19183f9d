package dev.tributary.common.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicsTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            sport/tennis/player1/#   | sport/tennis/player1                 | true
            sport/tennis/player1/#   | sport/tennis/player1/ranking         | true
            sport/tennis/player1/#   | sport/tennis/player1/score/wimbledon | true
            sport/#                  | sport                                | true
            #                        | sport/tennis                         | true
            #                        | /                                    | true
            sport/tennis/+           | sport/tennis/player1                 | true
            sport/tennis/+           | sport/tennis/player1/ranking         | false
            sport/+                  | sport                                | false
            sport/+                  | sport/                               | true
            +/+                      | /finance                             | true
            /+                       | /finance                             | true
            +                        | /finance                             | false
            +                        | a                                    | true
            a/b                      | a/b                                  | true
            a/b                      | a/bc                                 | false
            a/bc                     | a/b                                  | false
            a/b                      | a                                    | false
            a                        | a/b                                  | false
            a/+/c                    | a/x/c                                | true
            a/+/c                    | a//c                                 | true
            a/+/c                    | a/x/d                                | false
            #                        | $SYS/broker/uptime                   | false
            +/broker/uptime          | $SYS/broker/uptime                   | false
            $SYS/#                   | $SYS/broker/uptime                   | true
            $SYS/+/uptime            | $SYS/broker/uptime                   | true
            """)
    void matchesPerSpec_MQTT_4_7(String filter, String name, boolean expected) {
        assertThat(Topics.matches(filter, name)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "filter {0} valid: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            #          | true
            +          | true
            a/#        | true
            a/+/b      | true
            +/+        | true
            /          | true
            a#         | false
            a/#/b      | false
            a+         | false
            a/b+/c     | false
            ##         | false
            """)
    void filterValidity_MQTT_4_7_1(String filter, boolean valid) {
        assertThat(Topics.isValidFilter(filter)).isEqualTo(valid);
    }

    @ParameterizedTest(name = "name {0} valid: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            a/b       | true
            /         | true
            $SYS/x    | true
            a/+       | false
            a/#       | false
            """)
    void nameValidity_MQTT_3_3_2_2(String name, boolean valid) {
        assertThat(Topics.isValidName(name)).isEqualTo(valid);
    }

    @Test
    void emptyOrNulCharacterIsNeverATopic_MQTT_4_7_3_1_and_1_5_3_2() {
        assertThat(Topics.isValidName("")).isFalse();
        assertThat(Topics.isValidFilter("")).isFalse();
        assertThat(Topics.isValidName("a\u0000b")).isFalse();
    }

    @Test
    void limitsAreEnforced() {
        TopicLimits limits = new TopicLimits(10, 3);
        assertThat(Topics.nameProblem("a/b/c", limits)).isNull();
        assertThat(Topics.nameProblem("a/b/c/d", limits)).contains("levels");
        assertThat(Topics.nameProblem("abcdefghijk", limits)).contains("longer");
        assertThat(Topics.utf8Length("é€𝄞")).isEqualTo(2 + 3 + 4);
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            #              | fleet/+/telemetry  | true
            fleet/#        | fleet              | true
            fleet/#        | fleet/#            | true
            fleet/+/#      | fleet/#            | false
            fleet/+        | fleet/v1           | true
            fleet/+        | fleet/+            | true
            fleet/v1       | fleet/+            | false
            fleet/v1/#     | fleet/+/telemetry  | false
            fleet/v1/#     | fleet/v1/+         | true
            fleet/+        | fleet/v1/telemetry | false
            fleet/v1       | fleet/v1/#         | false
            #              | $SYS/#             | false
            $SYS/#         | $SYS/broker/uptime | true
            """)
    void covers_onlyWhenEveryTopicOfTheFilterIsMatchedByTheWiderOne(String wider, String filter, boolean expected) {
        assertThat(Topics.covers(wider, filter)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} overlaps {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            fleet/v1/#        | fleet/+/telemetry | true
            fleet/v1/telemetry| fleet/#           | true
            fleet/v1          | fleet/v2          | false
            fleet/+           | fleet/v1/x        | false
            fleet/#           | fleet             | true
            fleet             | fleet/#           | true
            fleet/+/x         | fleet/v1/y        | false
            #                 | $SYS/broker       | false
            a/+               | +/b               | true
            """)
    void overlaps_whenSomeTopicMatchesBoth(String a, String b, boolean expected) {
        assertThat(Topics.overlaps(a, b)).isEqualTo(expected);
        assertThat(Topics.overlaps(b, a)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} meets {1} in {2}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            #            | secret/#     | secret/#
            #            | +/+          | +/+
            +/+          | secret/#     | secret/+
            secret/#     | secret       | secret
            secret/#     | +            | secret
            a/+/#        | a/b          | a/b
            a/#          | +/b/#        | a/b/#
            a/+          | +/b          | a/b
            a/b          | a/c          | null
            a/b/#        | a            | null
            a/+          | a/b/c        | null
            #            | $SYS/#       | null
            +/broker     | $SYS/+       | null
            $SYS/#       | $SYS/+/x     | $SYS/+/x
            #            | #            | #
            """)
    void intersection_isTheFilterOfTheTopicsBothMatch(String a, String b, String expected) {
        assertThat(Topics.intersection(a, b)).isEqualTo(expected);
        assertThat(Topics.intersection(b, a)).isEqualTo(expected);
    }

    /** Brute force over a small universe: intersection, covers and overlaps agree with matches. */
    @Test
    void intersectionCoversAndOverlaps_agreeWithMatchesOnEveryTopic() {
        java.util.Random random = new java.util.Random(7);
        java.util.List<String> universe = TopicUniverse.topics();
        for (int round = 0; round < 5_000; round++) {
            String a = TopicUniverse.randomFilter(random);
            String b = TopicUniverse.randomFilter(random);
            String meet = Topics.intersection(a, b);
            boolean some = false;
            boolean aWithinB = true;
            for (String topic : universe) {
                boolean both = Topics.matches(a, topic) && Topics.matches(b, topic);
                assertThat(meet != null && Topics.matches(meet, topic)).as("%s meets %s in %s, topic %s", a, b, meet, topic)
                        .isEqualTo(both);
                some |= both;
                aWithinB &= !Topics.matches(a, topic) || Topics.matches(b, topic);
            }
            assertThat(Topics.overlaps(a, b)).as("%s overlaps %s", a, b).isEqualTo(some);
            Topics.Prepared prepared = Topics.prepare(a);
            for (String topic : universe) {
                assertThat(prepared.matches(topic)).as("prepared %s matches %s", a, topic).isEqualTo(Topics.matches(a, topic));
            }
            if (Topics.covers(b, a)) {
                assertThat(aWithinB).as("%s covers %s", b, a).isTrue();
            }
        }
    }

    @Test
    void levelPicksOneLevelAsLevelsWouldIncludingEmptyOnes() {
        for (String topic : new String[] { "fleet/v7/telemetry", "/a//b/", "single", "a/" }) {
            String[] levels = Topics.levels(topic);
            for (int i = 0; i < levels.length; i++) {
                assertThat(Topics.level(topic, i)).as(topic + " level " + i).isEqualTo(levels[i]);
            }
        }
        assertThatThrownBy(() -> Topics.level("a/b", 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
