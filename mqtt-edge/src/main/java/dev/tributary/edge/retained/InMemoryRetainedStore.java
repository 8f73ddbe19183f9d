package dev.tributary.edge.retained;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.common.topic.Topics;
import dev.tributary.edge.protocol.Message;

/**
 * Retained messages in a map by topic. A wildcard lookup scans every entry: cheap for the
 * thousands of status topics a fleet keeps, and only paid on SUBSCRIBE, never per PUBLISH.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    private final ConcurrentHashMap<String, Message> byTopic = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> put(Message message) {
        // [MQTT-3.3.1-10] a retained message with an empty payload removes the retained message
        if (message.payload().length == 0) {
            byTopic.remove(message.topic());
        } else {
            byTopic.put(message.topic(), message);
        }
        return CompletableFuture.completedFuture(null);
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
}
