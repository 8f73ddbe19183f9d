package dev.tributary.edge.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.tributary.common.topic.Topics;
import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.mqtt.Packet;
import dev.tributary.edge.mqtt.PacketSize;
import dev.tributary.edge.mqtt.PublishProperties;

/**
 * What MQTT 5 adds to a session: the subscription options and identifiers of its subscriptions (kept with
 * the session), its expiry interval, and what its current connection asked for (Receive Maximum, Maximum
 * Packet Size). Read and written under the session's lock, except {@link #options()}.
 */
public final class SessionV5 {

    /** Session Expiry Interval meaning "never" [MQTT-3.1.2-11]. */
    public static final long NEVER = 0xFFFF_FFFFL;

    /** The MQTT 5 options of one subscription; {@code subscriptionId} 0 when none was given. */
    public record Options(boolean noLocal, boolean retainAsPublished, int retainHandling, int subscriptionId) {
    }

    /** A message as one subscriber gets it: QoS, retain flag and subscription ids of the matching subscriptions. */
    record Match(Message message, int qos) {
    }

    /** Filter to options, only for subscriptions whose options differ from 3.1.1's; concurrent for the store. */
    private final Map<String, Options> options = new ConcurrentHashMap<>(2);
    private int clientReceiveMaximum = 65_535;
    private long clientMaximumPacketSize;
    private volatile long expirySeconds;

    /** What a new connection asked for: they hold until the next connection. */
    public synchronized void connected(int receiveMaximum, long maximumPacketSize, long expirySeconds) {
        this.clientReceiveMaximum = receiveMaximum;
        this.clientMaximumPacketSize = maximumPacketSize;
        this.expirySeconds = expirySeconds;
    }

    public long expirySeconds() {
        return expirySeconds;
    }

    /** A DISCONNECT changed the interval [MQTT-3.14.2-2 allows it unless it was 0]. */
    public void expirySeconds(long seconds) {
        this.expirySeconds = seconds;
    }

    synchronized int clientReceiveMaximum() {
        return clientReceiveMaximum;
    }

    synchronized long clientMaximumPacketSize() {
        return clientMaximumPacketSize;
    }

    synchronized boolean tooLarge(Packet.Publish publish) {
        return clientMaximumPacketSize > 0 && PacketSize.publish(publish) > clientMaximumPacketSize;
    }

    /** Records a subscription's options (or forgets them when they are 3.1.1's), as SUBSCRIBE replaces them. */
    public void subscribed(String filter, Packet.Subscription subscription, int subscriptionId) {
        if (subscription.hasOptions() || subscriptionId != 0) {
            options.put(filter, new Options(subscription.noLocal(), subscription.retainAsPublished(),
                    subscription.retainHandling(), subscriptionId));
        } else {
            options.remove(filter);
        }
    }

    public void unsubscribed(String filter) {
        options.remove(filter);
    }

    public Map<String, Options> options() {
        return options;
    }

    boolean hasOptions() {
        return !options.isEmpty();
    }

    /**
     * Applies the options of every subscription of the session that matches the message: none when all of
     * them are No Local and the message is the client's own [MQTT-3.8.3-3]; else the highest QoS of the rest,
     * the published retain flag if one of them says Retain As Published [MQTT-3.3.1-12, 3.3.1-13], and all
     * their identifiers [MQTT-3.3.4-3]. Null when nothing is to be delivered.
     */
    Match match(Message message, Map<String, Integer> subscriptions, String clientId, boolean publishedRetain) {
        boolean own = clientId.equals(message.clientId());
        int qos = -1;
        boolean keepRetain = false;
        List<Integer> ids = null;
        for (Map.Entry<String, Integer> s : subscriptions.entrySet()) {
            if (!Topics.matches(s.getKey(), message.topic())) {
                continue;
            }
            Options o = options.get(s.getKey());
            if (o != null && o.noLocal() && own) {
                continue;
            }
            qos = Math.max(qos, s.getValue());
            if (o != null) {
                keepRetain |= o.retainAsPublished();
                if (o.subscriptionId() != 0) {
                    if (ids == null) {
                        ids = new ArrayList<>(2);
                    }
                    ids.add(o.subscriptionId());
                }
            }
        }
        if (qos < 0) {
            return null;
        }
        Message out = keepRetain ? message.withRetain(publishedRetain) : message;
        if (ids != null) {
            PublishProperties p = out.properties();
            out = new Message(out.topic(), out.payload(), out.qos(), out.retain(), out.clientId(), out.username(),
                    out.acceptedAtMillis(), new PublishProperties(p.payloadFormat(), p.messageExpirySeconds(),
                            p.contentType(), p.responseTopic(), p.correlationData(), p.userProperties(), 0, List.copyOf(ids)));
        }
        return new Match(out, qos);
    }
}
