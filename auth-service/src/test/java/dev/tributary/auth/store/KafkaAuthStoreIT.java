package dev.tributary.auth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Kind;
import dev.tributary.common.auth.AuthRecords.Principal;
import dev.tributary.common.auth.AuthRecords.SigningKey;
import dev.tributary.common.auth.AuthRecords.Who;
import dev.tributary.testsupport.SharedKafka;

/** The auth topic as a database: what one instance wrote, the next one reads back at start-up. */
class KafkaAuthStoreIT {

    @Test
    void writes_surviveARestart_andATombstoneDeletes() throws Exception {
        Map<String, Object> kafka = Map.of("bootstrap.servers", SharedKafka.get().bootstrapServers());
        String topic = "tributary.auth.store-it-" + UUID.randomUUID();
        Principal v1 = new Principal("v1", Kind.DEVICE, "$7$1000$c2FsdA==$aGFzaA==", List.of("trucks"), false, 0);
        Principal v2 = new Principal("v2", Kind.DEVICE, "$7$1000$c2FsdA==$aGFzaA==", List.of(), true, 42);
        List<AclRule> acl = List.of(new AclRule(Who.ANY, null, "fleet/${clientid}/#", Action.BOTH, true));
        try (KafkaAuthStore first = new KafkaAuthStore(kafka, topic, (short) 1)) {
            assertThat(first.principals()).isEmpty();
            Writes.await(first.putPrincipal(v1));
            Writes.await(first.putPrincipal(v2));
            Writes.await(first.putAcl(acl));
            Writes.await(first.putSigningKeys(List.of(new SigningKey("k1", "RS256", "AAAA"))));
            Writes.await(first.deletePrincipal("v1"));
            assertThat(first.principal("v1")).as("read after write").isEmpty();
        }
        try (KafkaAuthStore second = new KafkaAuthStore(kafka, topic, (short) 1)) {
            assertThat(second.principals()).containsExactly(v2);
            assertThat(second.acl()).isEqualTo(acl);
            assertThat(second.signingKeys()).extracting(SigningKey::kid).containsExactly("k1");
        }
    }
}
