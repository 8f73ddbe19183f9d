package dev.tributary.ctl;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The keys tokens are signed with: list them, and replace the signing key. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = { "List the token signing keys, or replace the signing key." },
        subcommands = { KeyCommands.ListKeys.class, KeyCommands.Rotate.class })
final class KeyCommands extends AdminCommand.Group {

    /** One line per key: its id, "signing" or "retires <time>", the signing key first. */
    static void print(AdminCommand command, JsonNode keys, boolean json) {
        if (json) {
            command.out().println(keys.toPrettyString());
            return;
        }
        for (JsonNode key : keys) {
            command.out().println(key.path("kid").asText() + "\t" + (key.path("signing").asBoolean() ? "signing"
                    : "retires " + Instant.ofEpochSecond(key.path("retiresAt").asLong())));
        }
    }

    @Command(name = "list", description = {
            "List the published token keys: the signing key first, then replaced keys with the time they retire.",
            "Example: tributary ctl keys list" })
    static final class ListKeys extends AdminCommand {

        @Option(names = "--json", description = "print the keys as JSON")
        boolean json;

        @Override
        public void run() {
            print(this, client().get("/api/keys"), json);
        }
    }

    @Command(name = "rotate", description = {
            "Sign tokens with a new key from now on. The previous key keeps verifying the tokens it signed",
            "until the longest token lifetime has passed; from then on edges refuse them.",
            "Example: tributary ctl keys rotate" })
    static final class Rotate extends AdminCommand {

        @Option(names = "--json", description = "print the keys as JSON")
        boolean json;

        @Override
        public void run() {
            print(this, client().json("POST", "/api/keys/rotate", null), json);
        }
    }
}
