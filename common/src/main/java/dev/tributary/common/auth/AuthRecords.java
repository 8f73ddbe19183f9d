package dev.tributary.common.auth;

import java.util.List;

/**
 * The format of the compacted auth topic: auth-service is its only writer, every edge keeps a
 * replica. One record per principal and one for the whole ordered ACL (order matters, so the
 * list travels as one value); a tombstone (null value) deletes a principal. Values are JSON of
 * the records below.
 */
public final class AuthRecords {

    public static final String PRINCIPAL_KEY_PREFIX = "principal:";
    public static final String ACL_KEY = "acl";

    private AuthRecords() {
    }

    public static String principalKey(String username) {
        return PRINCIPAL_KEY_PREFIX + username;
    }

    /** A device or user. {@code passwordHash} is a self-describing hash string, never a password. */
    public record Principal(String username, String passwordHash, List<String> groups, boolean disabled) {
    }

    public enum Who { USER, GROUP, ANY }

    public enum Action { PUBLISH, SUBSCRIBE, BOTH }

    /**
     * One ordered ACL rule. {@code topicFilter} may hold {@code ${username}} and {@code ${clientid}},
     * substituted literally as one topic level.
     */
    public record AclRule(Who who, String name, String topicFilter, Action action, boolean allow) {
    }
}
