package dev.tributary.ctl;

import java.io.Console;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ./tributary ctl}: devices, groups, ACLs, Mosquitto imports and tokens through auth-service's admin
 * API, for what {@code mosquitto_passwd} and {@code mosquitto_ctrl} do. Each failure is one line on stderr
 * and one of the exit codes below, so scripts can rely on both.
 */
@Command(name = "tributary ctl", mixinStandardHelpOptions = true, version = "tributary ctl 0.1.0",
        description = "Manage devices, groups, ACLs and tokens of a Tributary auth service.",
        footerHeading = "%nAdmin password:%n",
        footer = { "  1. $" + AdminPassword.ENV + " or $" + AdminPassword.SERVICE_ENV,
                "  2. <data>/auth/admin-password, kept by ./tributary up (data: $TRIBUTARY_DATA or ./data)",
                "  3. a prompt, when run in a terminal" },
        subcommands = { DeviceCommands.class, GroupCommands.class, AclCommands.class, PasswdCommands.class,
                TokenCommand.class, KeyCommands.class, CommandLine.HelpCommand.class })
public final class Ctl implements Runnable {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The service refused the request: unknown name, name taken, invalid input, too many attempts. */
    public static final int REFUSED = 1;
    /** Wrong command line: unknown command or option, missing argument, unreadable or malformed local file. */
    public static final int USAGE = 2;
    /** The auth service cannot be reached, or what answers is not a working Tributary auth service. */
    public static final int UNREACHABLE = 3;
    /** No admin password was found, or the service refused it. */
    public static final int NOT_AUTHENTICATED = 4;

    static final Map<String, String> EXIT_CODES = exitCodes();

    /** Asks for the admin password without echo; returns null when there is no terminal to ask on. */
    @FunctionalInterface
    public interface PasswordPrompt {
        char[] read(String question);
    }

    public static final String DEFAULT_URL = "http://127.0.0.1:8082";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", defaultValue = DEFAULT_URL,
            description = "auth service to talk to (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--insecure", scope = ScopeType.INHERIT,
            description = "send the admin password over plain http:// to a host other than this machine")
    boolean insecure;

    @Spec
    CommandSpec spec;

    private final Function<String, String> env;
    private final Path root;
    private final PasswordPrompt prompt;
    private final InputStream stdin;
    private AuthClient client;

    /**
     * @param env    environment lookup (System::getenv outside tests)
     * @param root   where ./tributary lives: the data directory is resolved against it
     * @param prompt asks for the admin password; returns null when there is no terminal
     * @param stdin  what {@code -} as a file name and {@code --stdin} read
     */
    public Ctl(Function<String, String> env, Path root, PasswordPrompt prompt, InputStream stdin) {
        this.env = env;
        this.root = root;
        this.prompt = prompt;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath().normalize();
        Ctl ctl = new Ctl(System::getenv, root, Ctl::readFromConsole, System.in);
        System.exit(ctl.commandLine().execute(args));
    }

    /** The command line with its help sections and handlers: execute(args) returns the exit code. */
    public CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(this);
        exitCodeSection(commandLine);
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("tributary ctl: " + e.getMessage() + " (see: " + failed.getCommandSpec().qualifiedName() + " --help)");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof CtlException ctl) {
                failed.getErr().println("tributary ctl: " + ctl.getMessage());
                return ctl.exitCode();
            }
            failed.getErr().println("tributary ctl: unexpected error: " + e);
            return REFUSED;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: device, group, acl, passwd or token");
    }

    AuthClient client() {
        if (client == null) {
            client = new AuthClient(url, insecure, () -> AdminPassword.find(env, root, prompt, url));
        }
        return client;
    }

    InputStream stdin() {
        return stdin;
    }

    private static char[] readFromConsole(String question) {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", question);
    }

    private static void exitCodeSection(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        commandLine.getSubcommands().values().forEach(Ctl::exitCodeSection);
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "done");
        codes.put("1", "refused by the service: unknown name, name taken, invalid input");
        codes.put("2", "usage error: unknown command or option, missing argument, unreadable file");
        codes.put("3", "cannot reach the auth service at --url");
        codes.put("4", "not authenticated: no admin password, or the service refused it");
        return codes;
    }
}
