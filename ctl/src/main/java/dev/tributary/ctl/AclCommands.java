package dev.tributary.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The ordered ACL rules: read them, replace them, or add a Mosquitto acl_file's rules after them. */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = { "Read and replace the ordered topic ACL rules, or import a Mosquitto acl_file.",
                "A rule is {\"who\": \"user\"|\"group\"|\"any\"|\"anonymous\", \"name\": ..., \"topicFilter\": ...,",
                "\"action\": \"publish\"|\"subscribe\"|\"both\"|\"connect\", \"allow\": true|false}; the first rule",
                "that applies decides, and no rule applying means deny. For \"connect\" the topicFilter is a",
                "client id pattern (* any run, ${username}); with no connect rule matching, a user may use",
                "the client ids <username> and <username>-<suffix>." },
        subcommands = { AclCommands.Get.class, AclCommands.Set.class, AclCommands.Import.class })
final class AclCommands extends AdminCommand.Group {

    @Command(name = "get", description = {
            "Print the rules as a JSON array, in order (the format acl set reads).",
            "Example: tributary ctl acl get > acl.json" })
    static final class Get extends AdminCommand {

        @Override
        public void run() {
            out().println(client().get("/api/acl").toPrettyString());
        }
    }

    @Command(name = "set", description = {
            "Replace all rules with the JSON array in FILE (- for stdin); prints how many rules are set.",
            "Example: tributary ctl acl set acl.json" })
    static final class Set extends AdminCommand {

        @Parameters(paramLabel = "FILE")
        String file;

        @Override
        public void run() {
            JsonNode rules;
            try {
                rules = AuthClient.JSON.readTree(readFile(file));
            } catch (JsonProcessingException e) {
                String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
                String why = e.getOriginalMessage().lines().findFirst().orElse("").replaceFirst("\\s*\\(start marker at .*", "");
                throw new CtlException(Ctl.USAGE, shown() + " is not JSON: " + why + where);
            }
            if (rules == null || !rules.isArray()) {
                throw new CtlException(Ctl.USAGE, shown() + " is not a JSON array of rules");
            }
            JsonNode set = client().json("PUT", "/api/acl", rules);
            out().println(set.size() + " rules");
        }

        private String shown() {
            return "-".equals(file) ? "stdin" : file;
        }
    }

    @Command(name = "import", description = {
            "Add the rules of a Mosquitto acl_file (- for stdin) after the existing ones, or before them with",
            "--first; prints how many. The first matching rule decides: after an existing allow rule, an imported",
            "deny of the same topics has no effect. Lines it cannot map (e.g. %u inside a level, an invalid",
            "filter) are listed on stderr and skipped.",
            "Example: tributary ctl acl import --first /etc/mosquitto/acl" })
    static final class Import extends AdminCommand {

        @Parameters(paramLabel = "FILE")
        String file;

        @Option(names = "--first", description = "put the imported rules before the existing ones")
        boolean first;

        @Override
        public void run() {
            JsonNode result = client().text("/api/import/mosquitto/acl" + (first ? "?at=start" : ""), readFile(file));
            result.path("skipped").forEach(s -> err().println("tributary ctl: skipped " + s.asText()));
            out().println(result.path("rules").asInt() + " rules added");
        }
    }
}
