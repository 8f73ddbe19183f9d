package dev.tributary.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A mosquitto_passwd file, hashes kept as they are: no device needs a new password. */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Import a password file made by mosquitto_passwd.",
        subcommands = { PasswdCommands.Import.class })
final class PasswdCommands extends AdminCommand.Group {

    @Command(name = "import", description = {
            "Import every user of a mosquitto_passwd file (- for stdin) as a device, keeping its hash, so",
            "devices keep their passwords; a device of the same name is replaced. Prints the names imported.",
            "Example: tributary ctl passwd import /etc/mosquitto/passwd --group imported" })
    static final class Import extends AdminCommand {

        @Parameters(paramLabel = "FILE")
        String file;

        @Option(names = { "-g", "--group" }, paramLabel = "GROUP", description = "put every imported device in this group")
        String group;

        @Override
        public void run() {
            String query = group == null ? "" : "?group=" + AuthClient.segment(group);
            client().text("/api/import/mosquitto/passwd" + query, readFile(file))
                    .path("imported").forEach(name -> out().println(name.asText()));
        }
    }
}
