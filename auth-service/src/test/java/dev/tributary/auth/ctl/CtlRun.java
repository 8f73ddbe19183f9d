package dev.tributary.auth.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tributary.testsupport.Http;
import dev.tributary.ctl.Ctl;
import picocli.CommandLine;

/**
 * Runs {@code tributary ctl} in-process as a user would: real HTTP to the test's auth service, the admin
 * password from an environment map (or a data directory, or a prompt), stdout and stderr captured.
 */
final class CtlRun {

    record Result(int exitCode, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }

        /** Failures are one line on stderr, never a stack trace. */
        Result failedWith(int code, String message) {
            assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(code);
            assertThat(err.lines()).as("stderr").hasSize(1);
            assertThat(err).startsWith("tributary ctl: ").contains(message).doesNotContain("Exception").doesNotContain("\tat ");
            return this;
        }

        Result ok() {
            assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
            return this;
        }
    }

    private final String url;
    private final Map<String, String> env = new HashMap<>();
    private Path root = Path.of("target/ctl-test-no-data-here").toAbsolutePath();
    private Ctl.PasswordPrompt prompt = question -> null;
    private String stdin = "";

    private CtlRun(String url) {
        this.url = url;
    }

    /** As the admin, with the password in TRIBUTARY_ADMIN_PASSWORD. */
    static CtlRun admin(URL root) {
        return new CtlRun(root.toString()).env("TRIBUTARY_ADMIN_PASSWORD", Http.ADMIN_PASSWORD);
    }

    /** No password from anywhere unless the test gives one. */
    static CtlRun bare(String url) {
        return new CtlRun(url);
    }

    CtlRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    CtlRun root(Path root) {
        this.root = root;
        return this;
    }

    CtlRun prompt(Ctl.PasswordPrompt prompt) {
        this.prompt = prompt;
        return this;
    }

    CtlRun stdin(String text) {
        this.stdin = text;
        return this;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(url);
        return runExactly(all.toArray(String[]::new));
    }

    /** Without adding --url. */
    Result runExactly(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new Ctl(env::get, root, prompt, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
                .commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
