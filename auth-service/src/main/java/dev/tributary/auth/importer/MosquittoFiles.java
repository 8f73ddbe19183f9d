package dev.tributary.auth.importer;

import java.util.ArrayList;
import java.util.List;

import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

/**
 * Reads Mosquitto's files as they are: a {@code passwd} file made by {@code mosquitto_passwd}
 * ({@code user:hash} lines) and an {@code acl_file} ({@code user}, {@code topic}, {@code pattern} lines
 * with {@code %u} and {@code %c}). Pure parsing: what is stored is up to the caller.
 */
public final class MosquittoFiles {

    private MosquittoFiles() {
    }

    public record PasswdEntry(int line, String username, String hash) {
    }

    /** What came out of an acl_file: rules in Tributary's order, and the lines that could not be taken over. */
    public record AclImport(List<AclRule> rules, List<String> skipped) {
    }

    public static List<PasswdEntry> passwd(String text) {
        List<PasswdEntry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("passwd line " + (i + 1) + ": expected user:hash");
            }
            entries.add(new PasswdEntry(i + 1, line.substring(0, colon), line.substring(colon + 1)));
        }
        return entries;
    }

    /**
     * Mosquitto grants access when any rule for the client allows it and no {@code deny} rule matches; in
     * Tributary the first matching rule decides. So deny rules come first, then the allowing ones, each in
     * file order. {@code topic} lines before the first {@code user} line apply to anonymous clients in
     * Mosquitto; Tributary has no anonymous-only rule, so they are reported as skipped rather than widened
     * to everyone.
     */
    public static AclImport aclFile(String text) {
        List<AclRule> denies = new ArrayList<>();
        List<AclRule> allows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String user = null;
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String rest = words.length > 1 ? words[1].strip() : "";
            switch (words[0]) {
                case "user" -> user = rest;
                case "topic", "pattern" -> {
                    String[] access = accessAndTopic(rest);
                    if (access == null) {
                        skipped.add("line " + (i + 1) + ": no topic: " + line);
                        continue;
                    }
                    boolean pattern = words[0].equals("pattern");
                    if (!pattern && user == null) {
                        skipped.add("line " + (i + 1) + ": applies to anonymous clients only in Mosquitto: " + line);
                        continue;
                    }
                    String filter = pattern ? access[1].replace("%u", "${username}").replace("%c", "${clientid}") : access[1];
                    boolean deny = access[0].equals("deny");
                    AclRule rule = new AclRule(pattern ? Who.ANY : Who.USER, pattern ? null : user, filter,
                            action(access[0]), !deny);
                    (deny ? denies : allows).add(rule);
                }
                default -> skipped.add("line " + (i + 1) + ": not an acl_file line: " + line);
            }
        }
        List<AclRule> rules = new ArrayList<>(denies);
        rules.addAll(allows);
        return new AclImport(rules, skipped);
    }

    /** "[read|write|readwrite|deny] topic" → {access, topic}; access defaults to readwrite. */
    private static String[] accessAndTopic(String rest) {
        if (rest.isEmpty()) {
            return null;
        }
        String[] parts = rest.split("\\s+", 2);
        if (parts.length == 2 && List.of("read", "write", "readwrite", "deny").contains(parts[0])) {
            return new String[] {parts[0], parts[1].strip()};
        }
        return new String[] {"readwrite", rest};
    }

    private static Action action(String access) {
        return switch (access) {
            case "read" -> Action.SUBSCRIBE;
            case "write" -> Action.PUBLISH;
            default -> Action.BOTH;
        };
    }
}
