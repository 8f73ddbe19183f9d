package dev.tributary.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Devices (and dashboard users): what mosquitto_passwd and mosquitto_ctrl's client commands do. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Create, list, disable and delete devices (and dashboard users).",
        subcommands = { DeviceCommands.Add.class, DeviceCommands.ListDevices.class, DeviceCommands.Show.class,
                DeviceCommands.Passwd.class, DeviceCommands.Disable.class, DeviceCommands.Enable.class,
                DeviceCommands.Delete.class })
final class DeviceCommands extends AdminCommand.Group {

    static String path(String name) {
        return "/api/principals/" + AuthClient.segment(name);
    }

    /** One line: name, kind, enabled or disabled, groups (comma-separated, - for none), tab-separated. */
    static String line(JsonNode p) {
        List<String> groups = new ArrayList<>();
        p.path("groups").forEach(g -> groups.add(g.asText()));
        return String.join("\t", p.path("username").asText(), p.path("kind").asText().toLowerCase(),
                p.path("disabled").asBoolean() ? "disabled" : "enabled", groups.isEmpty() ? "-" : String.join(",", groups));
    }

    @Command(name = "add", description = {
            "Create a device with a generated password and print the password (shown this once).",
            "With --stdin the password is the first line of stdin instead, and nothing is printed.",
            "Example: tributary ctl device add truck-7 --group trucks" })
    static final class Add extends AdminCommand {

        @Parameters(paramLabel = "NAME", description = "user name the device connects with")
        String name;

        @Option(names = { "-g", "--group" }, paramLabel = "GROUP", description = "a group to put it in (repeatable)")
        List<String> groups = new ArrayList<>();

        @Option(names = "--user", description = "create a dashboard user instead of a device")
        boolean user;

        @Option(names = "--stdin", description = "take the password from the first line of stdin instead of generating one (nothing is printed)")
        boolean fromStdin;

        @Option(names = "--json", description = "print the created record (with a generated password) as JSON")
        boolean json;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("username", name);
            body.put("kind", user ? "user" : "device");
            body.put("groups", groups);
            if (fromStdin) {
                body.put("password", firstLineOfStdin());
            }
            JsonNode created = client().json("POST", "/api/principals", body);
            if (json) {
                out().println(created.toPrettyString());
            } else if (!fromStdin) {
                out().println(created.path("password").asText());
            }
        }
    }

    @Command(name = "list", description = {
            "List devices and users: one name per line, or with --long name, kind, state, groups tab-separated.",
            "Example: tributary ctl device list --long" })
    static final class ListDevices extends AdminCommand {

        @Option(names = { "-l", "--long" }, description = "name<TAB>kind<TAB>enabled|disabled<TAB>groups")
        boolean longFormat;

        @Option(names = "--json", description = "print the list as JSON")
        boolean json;

        @Override
        public void run() {
            JsonNode all = client().get("/api/principals");
            if (json) {
                out().println(all.toPrettyString());
                return;
            }
            List<JsonNode> sorted = new ArrayList<>();
            all.forEach(sorted::add);
            sorted.sort((a, b) -> a.path("username").asText().compareTo(b.path("username").asText()));
            sorted.forEach(p -> out().println(longFormat ? line(p) : p.path("username").asText()));
        }
    }

    @Command(name = "show", description = {
            "Show one device: name, kind, state, groups tab-separated.",
            "Example: tributary ctl device show truck-7" })
    static final class Show extends AdminCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "print it as JSON")
        boolean json;

        @Override
        public void run() {
            JsonNode p = client().get(path(name));
            out().println(json ? p.toPrettyString() : line(p));
        }
    }

    @Command(name = "passwd", description = {
            "Give a device a new password and print it (generated), or set the first line of stdin (--stdin).",
            "Tokens issued before are revoked.",
            "Example: tributary ctl device passwd truck-7" })
    static final class Passwd extends AdminCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--stdin", description = "read the new password from the first line of stdin instead of generating one")
        boolean fromStdin;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (fromStdin) {
                body.put("password", firstLineOfStdin());
            }
            JsonNode answer = client().json("POST", path(name) + "/password", body);
            if (!fromStdin) {
                out().println(answer.path("password").asText());
            }
        }
    }

    @Command(name = "disable", description = {
            "Refuse the device's connects from now on; every edge closes its live connections.",
            "Example: tributary ctl device disable truck-7" })
    static final class Disable extends AdminCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            client().json("POST", path(name) + "/disable", null);
        }
    }

    @Command(name = "enable", description = {
            "Let a disabled device connect again.",
            "Example: tributary ctl device enable truck-7" })
    static final class Enable extends AdminCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            client().json("POST", path(name) + "/enable", null);
        }
    }

    @Command(name = "delete", description = {
            "Delete the device: its password and tokens stop working on every edge.",
            "Example: tributary ctl device delete truck-7" })
    static final class Delete extends AdminCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            client().send("DELETE", path(name), null, null);
        }
    }
}
