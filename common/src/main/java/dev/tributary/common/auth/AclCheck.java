package dev.tributary.common.auth;

import java.util.ArrayList;
import java.util.List;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.topic.Topics;

/**
 * The ACL decision, shared by the edge (enforcement) and auth-service (the rules it puts in tokens).
 * <p>
 * Per topic, the first rule that applies to the client, covers the action and matches the topic decides;
 * nothing applies means deny. {@link Action#SUBSCRIBE} is the right to receive: a message is delivered to a
 * subscriber only if it may receive the message's topic ({@link #mayReceive}). A SUBSCRIBE is granted when
 * some topic under its filter could be received ({@link #maySubscribe}), as Mosquitto grants it, so
 * {@code #} is granted to whoever may receive anything and deny rules take effect on each delivery.
 * <p>
 * Placeholders are whole levels, substituted literally: a user name or client id that is empty, holds
 * {@code +}, {@code #} or {@code /}, or starts with {@code $} cannot be one ordinary literal level. Such a
 * rule fails closed: an allow rule then allows nothing, and a deny rule denies what it would deny for any
 * value (the level reads as {@code +}). A client id {@code #} therefore gains nothing from
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
        return firstMatch(rules, subject, Action.PUBLISH, topic);
    }

    /** Whether a message on {@code topic} may be delivered to the subject (the right SUBSCRIBE rules give). */
    public static boolean mayReceive(List<AclRule> rules, Subject subject, String topic) {
        return firstMatch(rules, subject, Action.SUBSCRIBE, topic);
    }

    private static boolean firstMatch(List<AclRule> rules, Subject subject, Action action, String topic) {
        for (AclRule rule : rules) {
            if (rule.action().covers(action) && appliesTo(rule, subject)) {
                String filter = substitute(rule.topicFilter(), subject, rule.allow());
                if (filter != null && Topics.matches(filter, topic)) {
                    return rule.allow();
                }
            }
        }
        return false;
    }

    /**
     * Whether a SUBSCRIBE to {@code filter} is granted: some topic under it could be received. See
     * {@link SubjectRules#grants}.
     */
    public static boolean maySubscribe(List<AclRule> rules, Subject subject, String filter) {
        return compile(rules, subject, Action.SUBSCRIBE).grants(filter);
    }

    /** Whether every topic under {@code filter} may be received. See {@link SubjectRules#allowsAllOf}. */
    public static boolean mayReceiveAll(List<AclRule> rules, Subject subject, String filter) {
        return compile(rules, subject, Action.SUBSCRIBE).allowsAllOf(filter);
    }

    /**
     * The rules that apply to {@code subject} for {@code action}, in order, placeholders substituted: what
     * a node keeps per client so that each check scans only the client's own rules.
     */
    public static SubjectRules compile(List<AclRule> rules, Subject subject, Action action) {
        List<String> filters = new ArrayList<>();
        List<Boolean> allows = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            AclRule rule = rules.get(i);
            if (rule.action().covers(action) && appliesTo(rule, subject)) {
                String filter = substitute(rule.topicFilter(), subject, rule.allow());
                if (filter != null) {
                    filters.add(filter);
                    allows.add(rule.allow());
                    indexes.add(i);
                }
            }
        }
        String[] f = filters.toArray(String[]::new);
        boolean[] a = new boolean[f.length];
        int[] index = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            a[i] = allows.get(i);
            index[i] = indexes.get(i);
        }
        return new SubjectRules(f, a, index);
    }

    /** One client's rules for one action, in order: immutable, safe to share between threads. */
    public static final class SubjectRules {

        private final String[] filters;
        private final boolean[] allow;
        private final int[] ruleIndex;

        private SubjectRules(String[] filters, boolean[] allow, int[] ruleIndex) {
            this.filters = filters;
            this.allow = allow;
            this.ruleIndex = ruleIndex;
        }

        public int size() {
            return filters.length;
        }

        /** Whether the first rule matching {@code topic} allows it (no rule: deny). Allocates nothing. */
        public boolean allows(String topic) {
            int rule = deciding(topic);
            return rule >= 0 && allow[rule];
        }

        /**
         * The position in the full rule list of the rule that decides {@code topic}, or -1 when none matches
         * (for log lines that say why).
         */
        public int decidingRule(String topic) {
            int rule = deciding(topic);
            return rule < 0 ? -1 : ruleIndex[rule];
        }

        private int deciding(String topic) {
            for (int i = 0; i < filters.length; i++) {
                if (Topics.matches(filters[i], topic)) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Whether some topic under {@code filter} could be allowed: some allow rule meets the filter, and no
         * single earlier deny rule covers all of that meeting. Never false when a topic under the filter is
         * allowed (the first rule matching that topic is such an allow rule). May be true when the meeting is
         * covered only by several deny rules together: such a subscription is granted and receives nothing.
         */
        public boolean grants(String filter) {
            List<String> denies = null;
            for (int i = 0; i < filters.length; i++) {
                if (!allow[i]) {
                    if (Topics.overlaps(filters[i], filter)) {
                        if (denies == null) {
                            denies = new ArrayList<>(4);
                        }
                        denies.add(filters[i]);
                    }
                    continue;
                }
                String meet = Topics.intersection(filters[i], filter);
                if (meet != null && !coveredByOne(denies, meet)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean coveredByOne(List<String> wider, String filter) {
            if (wider != null) {
                for (String rule : wider) {
                    if (Topics.covers(rule, filter)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * Whether every topic under {@code filter} is allowed, as far as single rules show: an allow rule covers
         * the whole filter, and each earlier deny rule that touches the filter touches only topics that one
         * allow rule before it covers. The fast path where no delivery needs a check. Never true when some
         * topic under the filter is denied; may be false for a filter that several allow rules cover only
         * together (then each delivery is checked, with the same outcome).
         */
        public boolean allowsAllOf(String filter) {
            List<String> allows = null;
            for (int i = 0; i < filters.length; i++) {
                if (allow[i]) {
                    if (Topics.covers(filters[i], filter)) {
                        return true;
                    }
                    if (Topics.overlaps(filters[i], filter)) {
                        if (allows == null) {
                            allows = new ArrayList<>(4);
                        }
                        allows.add(filters[i]);
                    }
                } else {
                    String meet = Topics.intersection(filters[i], filter);
                    if (meet != null && !coveredByOne(allows, meet)) {
                        return false;
                    }
                }
            }
            return false;
        }
    }

    public static boolean appliesTo(AclRule rule, Subject subject) {
        return switch (rule.who()) {
            case ANY -> true;
            case ANONYMOUS -> subject.username() == null;
            case USER -> subject.username() != null && subject.username().equals(rule.name());
            case GROUP -> subject.groups().contains(rule.name());
        };
    }

    /**
     * The rule's filter with placeholders replaced. When a value cannot be one literal level the rule fails
     * closed: null for an allow rule (it allows nothing), and for a deny rule the filter with each level that
     * holds a placeholder read as {@code +} (it denies what it would for any value). A value with no
     * {@code +}, {@code #} or {@code /} is one literal level wherever it lands, so plain text replacement is
     * exact (and cheaper than splitting the filter on every PUBLISH).
     */
    static String substitute(String filter, Subject subject, boolean allow) {
        if (filter.indexOf('$') < 0) {
            return filter;
        }
        String out = filter;
        if (out.contains(USERNAME)) {
            String value = literalLevel(subject.username());
            if (value == null) {
                return allow ? null : anyValue(filter);
            }
            out = out.replace(USERNAME, value);
        }
        if (out.contains(CLIENT_ID)) {
            String value = literalLevel(subject.clientId());
            if (value == null) {
                return allow ? null : anyValue(filter);
            }
            out = out.replace(CLIENT_ID, value);
        }
        return out;
    }

    /** {@code filter} with every level that holds a placeholder replaced by {@code +}. */
    private static String anyValue(String filter) {
        String[] levels = Topics.levels(filter);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].contains(USERNAME) || levels[i].contains(CLIENT_ID)) {
                levels[i] = "+";
            }
        }
        return String.join("/", levels);
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
