package dev.tributary.edge.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.SharedKafka;

/** Topic creation at start-up against a real broker: created when possible, a clear refusal when not. */
class MirrorTopicsIT {

    @Test
    void missingTopicsAreCreatedWithTheConfiguredPartitions_existingOnesAreFine() throws Exception {
        String topic = "created-" + UUID.randomUUID();
        Map<String, Object> kafka = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers());
        MirrorTopics.ensure(kafka, Set.of(topic), 4, (short) 1, true);
        assertThatCode(() -> MirrorTopics.ensure(kafka, Set.of(topic), 4, (short) 1, true)).doesNotThrowAnyException();
        try (Admin admin = Admin.create(kafka)) {
            var description = admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(4);
        }
    }

    @Test
    void topicsThatCannotBeCreated_stopStartUpWithAMessageSayingWhatToDo() {
        // a single broker cannot hold three replicas
        Map<String, Object> kafka = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers());
        assertThatThrownBy(() -> MirrorTopics.ensure(kafka, Set.of("three-replicas-" + UUID.randomUUID()), 1, (short) 3, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("three-replicas-")
                .hasMessageContaining("tributary.edge.mirror.topics.create=false")
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("replication factor"));
    }

    @Test
    void notRequired_logsAndGoesOn() {
        Map<String, Object> kafka = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.get().bootstrapServers());
        assertThatCode(() -> MirrorTopics.ensure(kafka, Set.of("lenient-" + UUID.randomUUID()), 1, (short) 3, false))
                .doesNotThrowAnyException();
    }
}
