package dev.tributary.ctl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Group membership. A group here is a name on its members (ACL rules can name it); it exists while it has
 * members, so there is nothing to create or delete: add a device to a group, remove it again.
 */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = { "Put devices in groups and take them out; ACL rules can name a group.",
                "A group exists while it has members." },
        subcommands = { GroupCommands.Add.class, GroupCommands.Remove.class, GroupCommands.ListGroups.class })
final class GroupCommands extends AdminCommand.Group {

    private static List<String> groupsOf(AuthClient client, String device) {
        List<String> groups = new ArrayList<>();
        client.get(DeviceCommands.path(device)).path("groups").forEach(g -> groups.add(g.asText()));
        return groups;
    }

    /** Writes each device's groups back when {@code change} changed them (it answers whether it did). */
    static void changeGroups(AuthClient client, List<String> devices, Predicate<List<String>> change) {
        for (String device : devices) {
            List<String> groups = groupsOf(client, device);
            if (change.test(groups)) {
                client.json("PUT", DeviceCommands.path(device) + "/groups", groups);
            }
        }
    }

    /** GROUP DEVICE...: what add and remove take. */
    abstract static class Membership extends AdminCommand {

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEVICE")
        List<String> devices;
    }

    @Command(name = "add", description = {
            "Put devices in a group (already a member: nothing changes).",
            "Example: tributary ctl group add trucks truck-7 truck-8" })
    static final class Add extends Membership {

        @Override
        public void run() {
            changeGroups(client(), devices, groups -> !groups.contains(group) && groups.add(group));
        }
    }

    @Command(name = "remove", description = {
            "Take devices out of a group (not a member: nothing changes).",
            "Example: tributary ctl group remove trucks truck-7" })
    static final class Remove extends Membership {

        @Override
        public void run() {
            changeGroups(client(), devices, groups -> groups.remove(group));
        }
    }

    @Command(name = "list", description = {
            "List groups, one per line: the group, a tab, its members separated by commas.",
            "Example: tributary ctl group list" })
    static final class ListGroups extends AdminCommand {

        @Option(names = "--json", description = "print {group: [members]} as JSON")
        boolean json;

        @Override
        public void run() {
            JsonNode groups = client().get("/api/groups");
            if (json) {
                out().println(groups.toPrettyString());
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = groups.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> group = it.next();
                List<String> members = new ArrayList<>();
                group.getValue().forEach(m -> members.add(m.asText()));
                out().println(group.getKey() + "\t" + String.join(",", members));
            }
        }
    }
}
