package dev.tributary.common.auth;

import java.util.List;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.topic.Topics;

/**
 * The ACL decision, shared by the edge (enforcement) and auth-service (the rules it puts in tokens):
 * the first rule that applies decides, nothing applies means deny.
 * <p>
 * Placeholders are whole levels, substituted literally: a user name or client id that is empty, holds
 * {@code +}, {@code #} or {@code /}, or starts with {@code $} cannot be one ordinary literal level, so rules
 * with that placeholder do not apply to the client at all. A client id {@code #} therefore gains nothing from
 * {@code fleet/${clientid}/#}, where naive string substitution would grant it the whole fleet.
 */
public final class AclCheck {

    public static final String USERNAME = "${username}";
    public static final String CLIENT_ID = "${clientid}";

    /** Who is asking: the connection's user name (null if anonymous), client id and the user's groups. */
    public record Subject(String username, String clientId, List<String> groups) {

        public Subject {
            groups = groups == null ? List.of() : groups;
        }
    }

    private AclCheck() {
    }

    public static boolean mayPublish(List<AclRule> rules, Subject subject, String topic) {
        for (AclRule rule : rules) {
            if (rule.action().covers(Action.PUBLISH) && appliesTo(rule, subject)) {
                String filter = substitute(rule.topicFilter(), subject);
                if (filter != null && Topics.matches(filter, topic)) {
                    return rule.allow();
                }
            }
        }
        return false;
    }

    /**
     * A subscription is allowed by the first allow rule that covers all of it, and refused by the first
     * deny rule that touches any part of it, whichever comes first.
     */
    public static boolean maySubscribe(List<AclRule> rules, Subject subject, String filter) {
        for (AclRule rule : rules) {
            if (rule.action().covers(Action.SUBSCRIBE) && appliesTo(rule, subject)) {
                String ruleFilter = substitute(rule.topicFilter(), subject);
                if (ruleFilter == null) {
                    continue;
                }
                if (rule.allow() ? Topics.covers(ruleFilter, filter) : Topics.overlaps(ruleFilter, filter)) {
                    return rule.allow();
                }
            }
        }
        return false;
    }

    public static boolean appliesTo(AclRule rule, Subject subject) {
        return switch (rule.who()) {
            case ANY -> true;
            case USER -> subject.username() != null && subject.username().equals(rule.name());
            case GROUP -> subject.groups().contains(rule.name());
        };
    }

    /**
     * The rule's filter with placeholders replaced, or null when a value cannot be one literal level. A value
     * with no {@code +}, {@code #} or {@code /} is one literal level wherever it lands, so plain text
     * replacement is exact (and cheaper than splitting the filter on every PUBLISH).
     */
    static String substitute(String filter, Subject subject) {
        if (filter.indexOf('$') < 0) {
            return filter;
        }
        String out = filter;
        if (out.contains(USERNAME)) {
            String value = literalLevel(subject.username());
            if (value == null) {
                return null;
            }
            out = out.replace(USERNAME, value);
        }
        if (out.contains(CLIENT_ID)) {
            String value = literalLevel(subject.clientId());
            if (value == null) {
                return null;
            }
            out = out.replace(CLIENT_ID, value);
        }
        return out;
    }

    private static String literalLevel(String value) {
        // a leading $ would let a placeholder at the first level name the broker's own $SYS tree
        if (value == null || value.isEmpty() || value.startsWith("$") || value.indexOf('+') >= 0 || value.indexOf('#') >= 0
                || value.indexOf('/') >= 0 || value.indexOf('\0') >= 0) {
            return null;
        }
        return value;
    }

    /** Why a rule's filter is unusable, or null: a valid filter whose placeholders are whole levels. */
    public static String ruleProblem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "empty topic filter";
        }
        for (String level : Topics.levels(filter)) {
            if (level.contains("${") && !level.equals(USERNAME) && !level.equals(CLIENT_ID)) {
                return "a placeholder must be a whole level, " + USERNAME + " or " + CLIENT_ID + ": " + level;
            }
        }
        String plain = filter.replace(USERNAME, "u").replace(CLIENT_ID, "c");
        return Topics.isValidFilter(plain) ? null : "not a valid MQTT topic filter: " + filter;
    }
}
