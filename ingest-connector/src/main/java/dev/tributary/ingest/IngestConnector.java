package dev.tributary.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tributary.ingest.config.IngestConfig;
import dev.tributary.ingest.pipeline.Curator;
import dev.tributary.ingest.pipeline.IngestMetrics;
import dev.tributary.ingest.pipeline.LoopWatch;
import dev.tributary.ingest.pipeline.TopicSetup;
import dev.tributary.ingest.pipeline.TransactionalLoop;
import dev.tributary.ingest.rules.Rule;
import dev.tributary.ingest.rules.RuleParser;
import dev.tributary.ingest.rules.Rules;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * The connector's start and stop: checks the rules (a bad one stops the start with a message naming
 * its key), then runs the {@link TransactionalLoop} on a thread of its own until shutdown.
 */
@ApplicationScoped
public class IngestConnector {

    private static final Logger LOG = Logger.getLogger(IngestConnector.class);
    private static final long STOP_WAIT_MILLIS = 15_000;

    @Inject
    IngestConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private TransactionalLoop loop;
    private LoopWatch watch;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        Rules rules = RuleParser.parse(config);
        String instance = config.instanceId().filter(s -> !s.isBlank()).orElseGet(() -> hostName() + "-" + httpPort);
        String transactionalId = "tributary-ingest-" + instance;
        for (Rule rule : rules.all()) {
            LOG.infof("ingest: rule %s: %s %s -> %s (%s, type %s), dead letters to %s", rule.name(), rule.source(),
                    rule.filter(), rule.target(), rule.format().name().toLowerCase(java.util.Locale.ROOT), rule.type(),
                    rule.deadLetterTopic());
        }
        TopicSetup topics = new TopicSetup(kafka, rules.sourceTopics(), config.topics().create(), rules.curatedTopics(),
                rules.deadLetterTopics(), config.topics().partitions(), config.topics().replicationFactor());
        watch = new LoopWatch(config.stallWarning(), registry);
        loop = new TransactionalLoop(new TransactionalLoop.Settings(kafka, config.groupId(), transactionalId,
                config.maxPollRecords(), config.transactionTimeout(), config.sessionTimeout(), config.retryBackoff(),
                rules.sourceTopics()), new Curator(rules, config.maxPayloadBytes()), new IngestMetrics(registry, rules),
                watch, topics);
        thread = new Thread(loop, "ingest-loop");
        thread.start();
        LOG.infof("ingest: reading %s in group %s as %s", rules.sourceTopics(), config.groupId(), transactionalId);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop();
            thread.join(STOP_WAIT_MILLIS);
            watch.close();
        }
    }

    public boolean ready() {
        return loop != null && loop.ready();
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
