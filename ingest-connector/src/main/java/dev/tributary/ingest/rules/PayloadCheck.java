package dev.tributary.ingest.rules;

import com.fasterxml.jackson.databind.JsonNode;

/** What a JSON rule requires of a decoded payload. */
public interface PayloadCheck {

    /** Why {@code payload} does not meet the rule, or null when it does. */
    String problem(JsonNode payload);

    /** Anything goes: a JSON rule without schema or required fields only requires valid JSON. */
    PayloadCheck NONE = payload -> null;
}
