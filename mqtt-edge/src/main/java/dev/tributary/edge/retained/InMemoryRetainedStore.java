package dev.tributary.edge.retained;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.common.topic.Topics;
import dev.tributary.edge.mqtt.Footprint;
import dev.tributary.edge.mqtt.Message;

/**
 * Retained messages in a map by topic. A wildcard lookup scans every entry: cheap for the
 * thousands of status topics a fleet keeps, and only paid on SUBSCRIBE, never per PUBLISH.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    private final ConcurrentHashMap<String, Message> byTopic = new ConcurrentHashMap<>();
    private final RetainedQuota quota;

    public InMemoryRetainedStore() {
        this(RetainedLimits.UNLIMITED);
    }

    public InMemoryRetainedStore(RetainedLimits limits) {
        this.quota = new RetainedQuota(limits);
    }

    @Override
    public Outcome put(Message message) {
        Outcome[] outcome = { Outcome.CLEARED };
        // [MQTT-3.3.1-10] a retained message with an empty payload removes the retained message
        boolean clear = message.payload().length == 0;
        long bytes = clear ? 0 : Footprint.of(message);
        // decided while the topic's entry is held, so the counts follow the map exactly
        byTopic.compute(message.topic(), (topic, old) -> {
            long oldBytes = old == null ? -1 : Footprint.of(old);
            if (!clear) {
                outcome[0] = quota.admit(topic, oldBytes, bytes);
                if (outcome[0] == Outcome.STORED) {
                    return message;
                }
            }
            if (old != null) {
                quota.released(topic, oldBytes);
            }
            return null;
        });
        return outcome[0];
    }

    @Override
    public List<Message> matching(String filter) {
        if (!Topics.isWildcard(filter)) {
            Message message = byTopic.get(filter);
            return message == null ? List.of() : List.of(message);
        }
        List<Message> out = new ArrayList<>();
        for (Message message : byTopic.values()) {
            if (Topics.matches(filter, message.topic())) {
                out.add(message);
            }
        }
        return out;
    }

    @Override
    public int size() {
        return byTopic.size();
    }

    @Override
    public RetainedLimits limits() {
        return quota.limits();
    }

    @Override
    public long bytes() {
        return quota.bytes();
    }
}
