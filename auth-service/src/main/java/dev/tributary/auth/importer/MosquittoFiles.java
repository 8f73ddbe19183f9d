package dev.tributary.auth.importer;

import java.util.ArrayList;
import java.util.List;

import dev.tributary.common.auth.AclCheck;
import dev.tributary.common.auth.AuthRecords.AclRule;
import dev.tributary.common.auth.AuthRecords.Action;
import dev.tributary.common.auth.AuthRecords.Who;

/**
 * Reads Mosquitto's files as they are: a {@code passwd} file made by {@code mosquitto_passwd}
 * ({@code user:hash} lines) and an {@code acl_file} ({@code user}, {@code topic}, {@code pattern} lines
 * with {@code %u} and {@code %c}), keeping what Mosquitto's ACL check means. Pure parsing: what is stored
 * is up to the caller.
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
     * Mosquitto (2.x, the default ACL check) decides a client's access from its own block first, then from the
     * patterns: the block of its user name (the lines after {@code user <name>}), or for a client without a
     * user name the lines before the first {@code user} line; within the block and within the patterns every
     * {@code deny} line is looked at before the others. In Tributary the first matching rule decides, so the
     * import keeps that order: every block's deny lines, every block's other lines, the pattern deny lines,
     * the other pattern lines, each in file order. Blocks never meet (a client has one user name or none), so
     * putting them side by side changes nothing. Lines before the first {@code user} line become ANONYMOUS
     * rules, {@code pattern} lines ANY rules with {@code %u} and {@code %c} as {@code ${username}} and
     * {@code ${clientid}}. {@code read} is Tributary's SUBSCRIBE (the right to receive), {@code write} its
     * PUBLISH; {@code deny} denies both. Lines Tributary cannot take over are reported, not guessed at.
     */
    public static AclImport aclFile(String text) {
        List<AclRule> blockDenies = new ArrayList<>();
        List<AclRule> blockAllows = new ArrayList<>();
        List<AclRule> patternDenies = new ArrayList<>();
        List<AclRule> patternAllows = new ArrayList<>();
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
                case "user" -> {
                    if (rest.isEmpty()) {
                        skipped.add("line " + (i + 1) + ": user without a name: " + line);
                    } else {
                        user = rest;
                    }
                }
                case "topic", "pattern" -> {
                    String[] access = accessAndTopic(rest);
                    if (access == null) {
                        skipped.add("line " + (i + 1) + ": no topic: " + line);
                        continue;
                    }
                    boolean pattern = words[0].equals("pattern");
                    String filter = pattern ? access[1].replace("%u", AclCheck.USERNAME).replace("%c", AclCheck.CLIENT_ID)
                            : access[1];
                    String problem = AclCheck.ruleProblem(filter);
                    if (problem != null) {
                        skipped.add("line " + (i + 1) + ": " + problem + ": " + line);
                        continue;
                    }
                    boolean deny = access[0].equals("deny");
                    Who who = pattern ? Who.ANY : user == null ? Who.ANONYMOUS : Who.USER;
                    AclRule rule = new AclRule(who, who == Who.USER ? user : null, filter, action(access[0]), !deny);
                    if (pattern) {
                        (deny ? patternDenies : patternAllows).add(rule);
                    } else {
                        (deny ? blockDenies : blockAllows).add(rule);
                    }
                }
                default -> skipped.add("line " + (i + 1) + ": not an acl_file line: " + line);
            }
        }
        List<AclRule> rules = new ArrayList<>(blockDenies);
        rules.addAll(blockAllows);
        rules.addAll(patternDenies);
        rules.addAll(patternAllows);
        return new AclImport(rules, skipped);
    }

    /** "[read|write|readwrite|deny] topic" → {access, topic}; access defaults to readwrite. */
    private static String[] accessAndTopic(String rest) {
        // an access word alone names no topic (Mosquitto refuses such a file): never a rule on the topic "deny"
        if (rest.isEmpty() || List.of("read", "write", "readwrite", "deny").contains(rest)) {
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
