package dev.tributary.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A command that talks to the auth service; its output goes to the command line's stdout. */
@Command(mixinStandardHelpOptions = true)
abstract class AdminCommand implements Runnable {

    @Spec
    CommandSpec spec;

    Ctl ctl() {
        return (Ctl) spec.root().userObject();
    }

    AuthClient client() {
        return ctl().client();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A file named on the command line, or stdin for {@code -}; unreadable is a usage error (exit 2). */
    String readFile(String name) {
        try {
            if ("-".equals(name)) {
                return new String(ctl().stdin().readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CtlException(Ctl.USAGE, "no such file: " + name);
        } catch (IOException e) {
            throw new CtlException(Ctl.USAGE, "cannot read " + name + ": " + e.getMessage());
        }
    }

    /** A password given on stdin (--stdin): its first line; none is a usage error (exit 2). */
    String firstLineOfStdin() {
        try {
            String line = new BufferedReader(new InputStreamReader(ctl().stdin(), StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new CtlException(Ctl.USAGE, "--stdin: no password on stdin");
            }
            return line;
        } catch (IOException e) {
            throw new CtlException(Ctl.USAGE, "--stdin: " + e.getMessage());
        }
    }

    /** For a command that only groups subcommands: called without one is a usage error. */
    abstract static class Group implements Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: "
                    + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList()));
        }
    }
}
