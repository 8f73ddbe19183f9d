package dev.tributary.common.auth;

import java.util.List;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;

/**
 * Which client ids a user may connect with, so that one device cannot take another's session, kick it off,
 * satisfy {@code ${clientid}} rules written for it or sign Kafka records with its id.
 * <p>
 * The first {@link Action#CONNECT} rule that applies to the client and whose pattern matches its client id
 * decides. When none matches, a user may use {@code <username>} and {@code <username>-<suffix>}, and a client
 * without a user name (an anonymous listener) any id. A pattern is the client id itself with {@code *} for any
 * run of characters (also none) and {@code ${username}} for the user name, taken literally (a {@code *} in a
 * user name is no wildcard). A pattern naming {@code ${username}} for a client without one fails closed: an
 * allow rule allows nothing, a deny rule denies as if the placeholder were {@code *}.
 */
public final class ClientIdCheck {

    public static final String USERNAME = AclCheck.USERNAME;
    private static final int MAX_PATTERN_LENGTH = 1024;

    private ClientIdCheck() {
    }

    /** Whether {@code subject} may connect with {@code subject.clientId()}. */
    public static boolean mayConnect(List<AclRule> rules, AclCheck.Subject subject) {
        String clientId = subject.clientId();
        for (AclRule rule : rules) {
            if (rule.action() == Action.CONNECT && AclCheck.appliesTo(rule, subject)
                    && matches(rule.topicFilter(), subject.username(), rule.allow(), clientId)) {
                return rule.allow();
            }
        }
        return byDefault(subject.username(), clientId);
    }

    /** The rule when no connect rule matches: the user's own name, or the name and a suffix after a hyphen. */
    public static boolean byDefault(String username, String clientId) {
        if (username == null) {
            return true;
        }
        return clientId.equals(username)
                || clientId.length() > username.length() + 1 && clientId.startsWith(username) && clientId.charAt(username.length()) == '-';
    }

    /** Why a connect rule's pattern is unusable, or null. */
    public static String patternProblem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "empty client id pattern";
        }
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            return "client id pattern longer than " + MAX_PATTERN_LENGTH + " characters";
        }
        if (pattern.indexOf('\0') >= 0) {
            return "client id pattern with U+0000";
        }
        String rest = pattern.replace(USERNAME, "");
        if (rest.contains("${")) {
            return "the only placeholder in a client id pattern is " + USERNAME + ": " + pattern;
        }
        return null;
    }

    static boolean matches(String pattern, String username, boolean allow, String clientId) {
        if (pattern.contains(USERNAME) && (username == null || username.isEmpty())) {
            if (allow) {
                return false;
            }
            return glob(pattern.replace(USERNAME, "*").split("\\*", -1), clientId);
        }
        // split on * first, then substitute: a * inside the user name stays a literal character
        String[] pieces = pattern.split("\\*", -1);
        if (username != null) {
            for (int i = 0; i < pieces.length; i++) {
                pieces[i] = pieces[i].replace(USERNAME, username);
            }
        }
        return glob(pieces, clientId);
    }

    /** Whether {@code value} is the literal {@code pieces} with any run of characters between each two. */
    private static boolean glob(String[] pieces, String value) {
        if (pieces.length == 1) {
            return value.equals(pieces[0]);
        }
        String first = pieces[0];
        String last = pieces[pieces.length - 1];
        if (!value.startsWith(first) || value.length() < first.length() + last.length() || !value.endsWith(last)) {
            return false;
        }
        // leftmost placement of each middle piece is right for * (any run): it leaves the most room after it
        int at = first.length();
        int end = value.length() - last.length();
        for (int i = 1; i < pieces.length - 1; i++) {
            int found = value.indexOf(pieces[i], at);
            if (found < 0 || found + pieces[i].length() > end) {
                return false;
            }
            at = found + pieces[i].length();
        }
        return true;
    }
}
