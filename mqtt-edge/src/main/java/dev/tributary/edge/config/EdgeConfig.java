package dev.tributary.edge.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the edge node, with its default; the README's configuration table mirrors it. */
@ConfigMapping(prefix = "tributary.edge")
public interface EdgeConfig {

    /** Names this node in mirror records ({@code mqtt.node}) and $SYS; defaults to the host name. */
    Optional<String> nodeId();

    Mqtt mqtt();

    /**
     * Path of a Unix domain socket to serve MQTT on as well (Mosquitto's {@code listener 0 /path}); unset: none.
     * The same authentication and ACLs as TCP.
     */
    Optional<String> unixSocket();

    /** The socket file's permissions ({@code ls -l} form): who on the host may connect at all. */
    @WithDefault("rw-rw----")
    String unixSocketPermissions();

    /**
     * {@code uid:user} pairs: a peer on the Unix socket whose uid (told by the kernel) is listed connects as that
     * user without a password, as a verified TLS client certificate does; the user must exist and be enabled.
     */
    Optional<List<String>> unixSocketPeerUsers();

    WebSocket websocket();

    Tls tls();

    Auth auth();

    Limits limits();

    Retained retained();

    Sys sys();

    Mirror mirror();

    Downlink downlink();

    Cluster cluster();

    Mqtt5 mqtt5();

    /** What MQTT 5 clients are told in CONNACK and held to. */
    interface Mqtt5 {
        /** QoS 1/2 PUBLISH packets a client may have unacknowledged; one more gets DISCONNECT 0x93. */
        @WithDefault("1000")
        int receiveMaximum();

        /** Topic aliases a client may set up per connection (0 turns aliases off); above gets DISCONNECT 0x94. */
        @WithDefault("32")
        int topicAliasMaximum();

        /** Longest session expiry interval kept; a longer one asked for is cut to it and the client told. */
        @WithDefault("1d")
        Duration maxSessionExpiry();

        /** Response Information for a client that asks for it; {@code {clientid}} is replaced; {@code none} sends none. */
        @WithDefault("reply/{clientid}/")
        String responseInformation();
    }

    interface Mqtt {
        /** Interface of the MQTT TCP listener. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port of the MQTT TCP listener; 0 picks a free one (tests). */
        @WithDefault("1883")
        int port();

        /** Threads serving MQTT connections; 0 means half the CPU cores, at least one. */
        @WithDefault("0")
        int ioThreads();

        /** A connection that has not sent CONNECT by then is closed. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Whether a CONNECT with no user name is accepted (its topics are then those of rules for ANY). */
        @WithDefault("false")
        boolean allowAnonymous();
    }

    /** MQTT over WebSocket (binary frames, subprotocol mqtt), e.g. for browsers. */
    interface WebSocket {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("127.0.0.1")
        String host();

        /** 0 picks a free port (tests). */
        @WithDefault("9001")
        int port();

        @WithDefault("/mqtt")
        String path();

        /**
         * Origins a browser may open a WebSocket from, besides the edge's own host (an Origin whose host is the
         * host the request was sent to, any port); {@code *} allows every origin. A client that sends no Origin
         * (not a browser) is always let in: it is a browser page on another site that must be kept out.
         */
        Optional<List<String>> allowedOrigins();

        /**
         * TLS on the WebSocket port, with the TLS settings below: {@code optional} serves WS and WSS on the same
         * port when TLS is enabled (a connection's first bytes show which: a TLS handshake or an HTTP request),
         * {@code required} WSS only (needs TLS enabled), {@code off} WS only.
         */
        @WithDefault("optional")
        WebSocketTls tls();
    }

    enum WebSocketTls {
        OFF, OPTIONAL, REQUIRED
    }

    /** MQTT over TLS (TLS 1.2 and 1.3 only), optionally with client certificates. */
    interface Tls {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("127.0.0.1")
        String host();

        /** 0 picks a free port (tests). */
        @WithDefault("8883")
        int port();

        /** PEM file: the server certificate (chain). */
        Optional<String> certificate();

        /** PEM file: its private key (PKCS#8). */
        Optional<String> key();

        /** none, optional or required: whether clients present a certificate. */
        @WithDefault("none")
        String clientAuth();

        /** PEM file: the CA certificates that client certificates must chain to. */
        Optional<String> trustCertificates();

        /** A verified client certificate's CN is the client's user name (the CONNECT's is ignored). */
        @WithDefault("true")
        boolean certificateCnAsUsername();
    }

    /** Authentication and topic ACLs, decided from a local replica of auth-service's topic. */
    interface Auth {
        /** Off: every client is accepted and may use every topic (a warning is logged at start). */
        @WithDefault("true")
        boolean enabled();

        /** The compacted topic auth-service writes. */
        @WithDefault("tributary.auth")
        String topic();

        /** Verified passwords remembered (as salted digests), so a reconnecting fleet costs no slow hashes. */
        @WithDefault("100000")
        int credentialCacheSize();

        /** Threads that verify password hashes (slow on purpose), off the network threads. */
        @WithDefault("2")
        int hashThreads();

        /** Failed CONNECTs of one user name from one address before that address may not try it (CONNACK 5). */
        @WithDefault("5")
        int maxFailures();

        /** Failed CONNECTs from one address, any user names, before it may not try at all (bounds its slow hashes). */
        @WithDefault("20")
        int maxFailuresPerAddress();

        /**
         * Failed CONNECTs of one user name from all addresses before only addresses where it connected recently
         * may try it: a user name an attacker knows (a shared fleet account) is not locked out for its devices.
         */
        @WithDefault("100")
        int maxFailuresPerUser();

        /** How long failures are remembered, and so how long a throttled address or user waits. */
        @WithDefault("60s")
        Duration failureWindow();

        /** How long a successful CONNECT keeps its address exempt from the per-user-name limit. */
        @WithDefault("24h")
        Duration knownAddressWindow();

        /**
         * PBKDF2 iterations of the dummy hash an unknown user's password is checked against when the replica
         * holds no hash to copy the cost from (auth-service's default).
         */
        @WithDefault("210000")
        int dummyHashIterations();

        /** Token issuer the edge accepts. */
        @WithDefault("tributary")
        String tokenIssuer();

        /** Clock difference tolerated between auth-service and the edge when checking a token's times. */
        @WithDefault("30s")
        Duration tokenClockSkew();
    }

    interface Limits {
        /** Largest MQTT packet accepted, in bytes (fixed header included); bigger ones close the connection. */
        @WithDefault("1048576")
        int maxPacketSize();

        /** Open MQTT connections; further ones are closed at once. */
        @WithDefault("15000")
        int maxConnections();

        /** Unacknowledged QoS 1/2 messages sent to one client at a time. */
        @WithDefault("32")
        int maxInflight();

        /** QoS 1/2 messages queued for one session beyond the in-flight window (online or offline). */
        @WithDefault("1000")
        int maxQueuedMessages();

        /** Bytes of the messages queued for one session; further QoS 1/2 messages for it are dropped and counted. */
        @WithDefault("8388608")
        long maxQueuedBytes();

        /** Bytes of the messages queued in all sessions of the node together; beyond, as for one session. */
        @WithDefault("268435456")
        long maxQueuedBytesTotal();

        /** Subscriptions one session may hold; further filters get SUBACK 0x80. */
        @WithDefault("1000")
        int maxSubscriptionsPerSession();

        /** Filters one SUBSCRIBE may carry; those beyond get SUBACK 0x80. */
        @WithDefault("100")
        int maxFiltersPerSubscribe();

        /** Inbound QoS 2 packet ids a session may leave awaiting PUBREL; one more closes the connection. */
        @WithDefault("1000")
        int maxAwaitingRelease();

        /** Packets a client may send between CONNECT and CONNACK; one more closes the connection. */
        @WithDefault("1000")
        int maxPacketsBeforeConnack();

        /** Bytes of packets a client may send between CONNECT and CONNACK; more closes the connection. */
        @WithDefault("2097152")
        long maxBytesBeforeConnack();

        /** Bytes of one client's QoS 1/2 messages waiting for Kafka; beyond, the client is not read until they are acknowledged. */
        @WithDefault("4194304")
        long maxPendingAckBytes();

        /** Longest topic name or filter, in UTF-8 bytes. */
        @WithDefault("1024")
        int maxTopicLength();

        /** Most levels in a topic name or filter. */
        @WithDefault("32")
        int maxTopicLevels();

        /** Longest client id, in UTF-8 bytes. */
        @WithDefault("128")
        int maxClientIdLength();

        /** Outbound bytes buffered for one client before its QoS 0 messages are dropped (a slow consumer). */
        @WithDefault("1048576")
        int maxOutboundBuffer();

        /** Outbound bytes waiting for one client beyond which it is disconnected (it does not read). */
        @WithDefault("8388608")
        long maxOutboundBufferDisconnect();
    }

    /** Bounds of the retained messages a node keeps; a tree is the topics that share a first level. */
    interface Retained {
        @WithDefault("200000")
        long maxMessages();

        @WithDefault("134217728")
        long maxBytes();

        @WithDefault("100000")
        long maxMessagesPerTree();

        @WithDefault("67108864")
        long maxBytesPerTree();
    }

    /** The uplink: accepted PUBLISH packets → Kafka records. */
    interface Mirror {
        /** Off: nothing is mirrored and QoS 1/2 are acknowledged at once (a plain broker, e.g. for benchmarks). */
        @WithDefault("true")
        boolean enabled();

        /** Ordered rules, first match wins: {@code rules[0].filter=fleet/{vehicle}/#}, {@code .topic}, {@code .key}. */
        List<Rule> rules();

        /** Kafka topic for messages no rule matches (keyed by MQTT topic); unset: those are not mirrored. */
        Optional<String> defaultTopic();

        Topics topics();

        /** QoS 0 messages waiting for Kafka at most; beyond that they are dropped and counted. */
        @WithDefault("10000")
        int maxQos0Pending();

        /**
         * Bytes of messages waiting for Kafka at most (besides the producer's own buffer.memory): beyond, QoS 0
         * messages are dropped and publishers of QoS 1/2 are not read until Kafka catches up.
         */
        @WithDefault("67108864")
        long maxPendingBytes();

        /** Readiness turns DOWN when records have waited this long without any Kafka acknowledgement. */
        @WithDefault("5s")
        Duration unavailableAfter();

        /** Producer settings for the mirror alone, e.g. {@code producer."linger.ms"=1}; {@code kafka.*} applies too. */
        Map<String, String> producer();

        interface Rule {
            /** MQTT filter; a level written {name} matches one level and can be the key. */
            String filter();

            /** Kafka topic. */
            String topic();

            /** topic, client-id, none, or the name of a level of the filter. */
            @WithDefault("topic")
            String key();
        }

        interface Topics {
            /** Create the topics the rules name at start-up. */
            @WithDefault("true")
            boolean create();

            @WithDefault("3")
            int partitions();

            @WithDefault("1")
            short replicationFactor();

            /** Refuse to start when a topic can neither be found nor created (false: log and go on). */
            @WithDefault("true")
            boolean required();
        }
    }

    /** Kafka records → MQTT subscribers on every node. */
    interface Downlink {
        @WithDefault("true")
        boolean enabled();

        /** The MQTT topic comes from the {@code mqtt.topic} header, else the record key. */
        @WithDefault("tributary.downlink")
        String topic();

        /** QoS when the record has no {@code mqtt.qos} header. */
        @WithDefault("1")
        int defaultQos();

        /** Retain flag when the record has no {@code mqtt.retain} header. */
        @WithDefault("false")
        boolean defaultRetain();
    }

    interface Sys {
        /** How often the $SYS topics are published; 0 turns them off. */
        @WithDefault("10s")
        Duration interval();
    }

    /** Edges that share one Kafka form one broker: messages, retained messages and subscriptions cross edges. */
    interface Cluster {
        /** Off: the node is a broker on its own, its retained messages in its memory only. */
        @WithDefault("true")
        boolean enabled();

        /** Compacted topic where every node announces the filters its clients subscribed to, and its heartbeat. */
        @WithDefault("tributary.cluster.interest")
        String interestTopic();

        /** A node's inbox topic is this prefix and its node id: messages other nodes hand on to it. */
        @WithDefault("tributary.cluster.node.")
        String inboxPrefix();

        /** How long records stay in an inbox; each node reads its own from the end when it starts. */
        @WithDefault("1h")
        Duration inboxRetention();

        /** Compacted topic of which client is connected to which node, with its will. */
        @WithDefault("tributary.cluster.clients")
        String clientsTopic();

        /** Bytes of other nodes' clients' wills kept here, to publish should their node die. */
        @WithDefault("67108864")
        long maxRemoteWillBytes();

        /** Compacted topic of the retained messages every node serves. */
        @WithDefault("tributary.state.retained")
        String retainedTopic();

        /** How often a node says it is alive. */
        @WithDefault("1s")
        Duration heartbeat();

        /** A node not heard from for this long is taken as dead: no more messages are sent to it. */
        @WithDefault("5s")
        Duration nodeTimeout();

        /** Bytes of records for other nodes (and retained messages) waiting for Kafka before QoS 0 ones are dropped. */
        @WithDefault("67108864")
        long maxBacklogBytes();

        /** Compacted topic of the persistent sessions: which node holds each, its subscriptions and queue position. */
        @WithDefault("tributary.state.sessions")
        String sessionsTopic();

        /** Topic of the messages queued for offline persistent sessions (key: the client id). */
        @WithDefault("tributary.state.queue")
        String queueTopic();

        /** Partitions of the queue topic when it is created: a session's queue is one partition. */
        @WithDefault("8")
        int queuePartitions();

        /** How long a queued message is kept: the queue topic's retention, and older messages are skipped on delivery. */
        @WithDefault("24h")
        Duration queueMaxAge();

        /** Messages one edge queues for one offline session; beyond, newer ones are not queued (as Mosquitto). */
        @WithDefault("10000")
        int queueMaxMessages();

        /** Bytes one edge queues for one offline session; beyond, newer messages are not queued. */
        @WithDefault("16777216")
        long queueMaxBytes();

        /** How long an edge taking a session waits for the live edge holding it to hand it over. */
        @WithDefault("10s")
        Duration sessionFenceTimeout();

        /** How long a session come online still reads its queue for messages queued by edges that had not yet seen it. */
        @WithDefault("3s")
        Duration queueGrace();

        /** Threads (each a Kafka consumer) that deliver offline queues to sessions come online. */
        @WithDefault("2")
        int queueReaders();
    }
}
