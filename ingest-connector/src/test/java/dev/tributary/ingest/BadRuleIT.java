package dev.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tributary.testsupport.IngestProcess;
import dev.tributary.testsupport.ServiceProcess;
import dev.tributary.testsupport.SharedKafka;

/** A rule that cannot work stops the packaged connector at start, with the key at fault in its log. */
class BadRuleIT {

    @Test
    void aBadRuleFailsTheStart_namingTheKey() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "bad-rule" + System.nanoTime()));
        // outside the assertion: a broker that fails to start is not the connector's start failing
        String bootstrap = SharedKafka.get().bootstrapServers();
        assertThatThrownBy(() -> IngestProcess.start(ServiceProcess.root(), work, "ingest", bootstrap,
                Map.of("tributary.ingest.rules[2].device-id", "{car}"), List.of("-Xmx128m")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited with");
        assertThat(Files.readString(work.resolve("ingest.log")))
                .contains("tributary.ingest.rules[2].device-id: '{car}' is not a named level of the filter");
    }
}
