package dev.tributary.launcher;

import java.util.List;

/**
 * Where edge {@code k} of {@code ./tributary up --edges N} listens, k = 1 … N. Edge 1 has the platform's
 * default ports; the others count up from them: MQTT 1883+k−1, MQTT over TLS 8883+k−1, MQTT over
 * WebSocket 9001+k−1, HTTP (health, metrics) 8081+10·(k−1), which keeps clear of auth-service's 8082
 * ingest-connector's 8083 and fleet-stats' 8084.
 */
record EdgePorts(int edge, int mqtt, int tls, int webSocket, int http) {

    /** The most edges one machine runs: the ports of edge 10 would reach the next edge's scheme. */
    static final int MAX_EDGES = 9;

    static EdgePorts of(int edge) {
        if (edge < 1 || edge > MAX_EDGES) {
            throw new IllegalArgumentException("edge " + edge + " is not between 1 and " + MAX_EDGES);
        }
        int i = edge - 1;
        return new EdgePorts(edge, 1883 + i, 8883 + i, 9001 + i, 8081 + 10 * i);
    }

    /** The edge's node id ({@code tributary.edge.node-id}): {@code edge-1}, {@code edge-2}, … */
    String nodeId() {
        return "edge-" + edge;
    }

    List<Integer> all() {
        return List.of(mqtt, tls, webSocket, http);
    }
}
