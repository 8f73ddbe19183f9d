package dev.tributary.ingest.rules;

import java.util.HashMap;
import java.util.Map;

import dev.tributary.ingest.config.IngestConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** {@link IngestConfig} from properties, through the same mapping the service uses. */
public final class TestRules {

    private TestRules() {
    }

    public static IngestConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(IngestConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return config.getConfigMapping(IngestConfig.class);
    }

    /** One telemetry rule like the default one, with {@code overrides} on top. */
    public static Map<String, String> telemetryRule(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("tributary.ingest.rules[0].name", "fleet-telemetry");
        p.put("tributary.ingest.rules[0].source", "tributary.fleet.raw");
        p.put("tributary.ingest.rules[0].filter", "fleet/{vehicle}/telemetry");
        p.put("tributary.ingest.rules[0].target", "tributary.fleet.curated");
        p.put("tributary.ingest.rules[0].type", "dev.tributary.fleet.telemetry.v1");
        p.put("tributary.ingest.rules[0].schema", "classpath:schemas/fleet-telemetry-v1.json");
        p.put("tributary.ingest.rules[0].device-id", "{vehicle}");
        p.putAll(overrides);
        p.values().removeIf(v -> v == null || v.isEmpty());
        return p;
    }

    public static Rules parse(Map<String, String> properties) {
        return RuleParser.parse(config(properties));
    }
}
