package dev.tributary.common.topic;

/** Bounds on topic names and filters; {@link #SPEC} is what the MQTT specification alone allows. */
public record TopicLimits(int maxLength, int maxLevels) {

    public static final TopicLimits SPEC = new TopicLimits(Topics.MAX_UTF8_LENGTH, Topics.MAX_UTF8_LENGTH);

    public TopicLimits {
        if (maxLength < 1 || maxLength > Topics.MAX_UTF8_LENGTH) {
            throw new IllegalArgumentException("topic max length must be 1.." + Topics.MAX_UTF8_LENGTH + ": " + maxLength);
        }
        if (maxLevels < 1) {
            throw new IllegalArgumentException("topic max levels must be at least 1: " + maxLevels);
        }
    }
}
