package dev.tributary.stats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Starts and stops the Kafka Streams application: waits on a thread of its own until the curated
 * topic exists (the ingest-connector creates it), creates the stats topic if it is missing, then
 * starts the streams. Exactly once (Kafka transactions), so a restarted or crashed instance neither
 * loses nor doubles a window's statistics.
 */
@ApplicationScoped
public class FleetStatsApp {

    private static final Logger LOG = Logger.getLogger(FleetStatsApp.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE = Duration.ofSeconds(15);

    @Inject
    StatsConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private volatile KafkaStreams streams;
    private volatile boolean stopping;
    private KafkaStreamsMetrics streamsMetrics;
    private Thread starter;

    void start(@Observes StartupEvent event) {
        StatsMetrics metrics = new StatsMetrics(registry);
        Counter replaced = Counter.builder("tributary.stats.thread.failures")
                .description("Stream threads that failed and were replaced").register(registry);
        KafkaStreams s = new KafkaStreams(FleetStatsTopology.build(new FleetStatsTopology.Settings(config.curatedTopic(),
                config.statsTopic(), config.telemetryType(), config.window(), config.grace(), config.bufferBytes()), metrics),
                streamsConfig());
        s.setUncaughtExceptionHandler(e -> {
            replaced.increment();
            LOG.errorf(e, "stats: a stream thread failed; replacing it (its tasks start again from the last commit)");
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        s.setStateListener((to, from) -> LOG.infof("stats: %s -> %s", from, to));
        streamsMetrics = new KafkaStreamsMetrics(s);
        streamsMetrics.bindTo(registry);
        streams = s;
        starter = new Thread(this::startWhenTopicsExist, "fleet-stats-start");
        starter.setDaemon(true);
        starter.start();
        LOG.infof("stats: %s -> %s per vehicle, windows of %s (grace %s), as %s", config.curatedTopic(), config.statsTopic(),
                config.window(), config.grace(), config.applicationId());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        if (starter != null) {
            starter.interrupt();
            starter.join(CLOSE.toMillis());
        }
        KafkaStreams s = streams;
        if (s != null) {
            s.close(CLOSE);
            streamsMetrics.close();
        }
    }

    /** True while the streams are running (not starting, rebalancing, failed or stopped). */
    public boolean running() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING;
    }

    private void startWhenTopicsExist() {
        for (int attempt = 0; !stopping; attempt++) {
            try {
                prepareTopics();
                streams.start();
                return;
            } catch (RuntimeException e) {
                if (attempt % 30 == 0) {
                    LOG.warnf("stats: not started yet: %s; retrying", e.getMessage());
                }
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void prepareTopics() {
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            if (!existing.contains(config.curatedTopic())) {
                // Kafka Streams stops for good on a missing source topic: wait for it here instead
                throw new IllegalStateException("the curated topic " + config.curatedTopic()
                        + " does not exist yet (the ingest-connector creates it)");
            }
            if (config.topics().create() && !existing.contains(config.statsTopic())) {
                try {
                    admin.createTopics(List.of(new NewTopic(config.statsTopic(), config.topics().partitions(),
                            config.topics().replicationFactor()))).all().get(15, TimeUnit.SECONDS);
                    LOG.infof("stats: created topic %s", config.statsTopic());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + config.statsTopic() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Properties streamsConfig() {
        Properties p = new Properties();
        // the service's kafka.* settings (bootstrap servers, security) for every client Kafka Streams makes
        p.putAll(kafka);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replicationFactor());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().orElseGet(
                () -> Path.of(System.getProperty("java.io.tmpdir"), "tributary-fleet-stats-" + httpPort).toString()));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        return p;
    }
}
