package dev.tributary.edge.mqtt;

/** An MQTT 5 user property: a name and a value, both UTF-8; a list of them keeps the order the sender gave. */
public record UserProperty(String name, String value) {
}
