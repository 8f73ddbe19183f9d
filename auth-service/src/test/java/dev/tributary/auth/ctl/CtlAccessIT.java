package dev.tributary.auth.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tributary.testsupport.Http;
import dev.tributary.ctl.Ctl;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Where tributary ctl finds the admin password, what it says when it cannot log in or reach the service,
 * and its help and usage errors: each with the documented exit code and one line on stderr.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class CtlAccessIT {

    @TestHTTPResource("/")
    URL root;

    @TempDir
    Path dir;

    private String url() {
        return root.toString();
    }

    private static void keepAdminPassword(Path dataDir, String password) throws Exception {
        Files.createDirectories(dataDir.resolve("auth"));
        Files.writeString(dataDir.resolve("auth/admin-password"), password + "\n");
    }

    @Test
    void thePasswordFileThatTributaryUpKeeps_isReadFromTheDataDirectoryNextToIt() throws Exception {
        keepAdminPassword(dir.resolve("data"), Http.ADMIN_PASSWORD);
        CtlRun.bare(url()).root(dir).run("device", "list").ok();
    }

    @ParameterizedTest(name = "TRIBUTARY_DATA={0}")
    @ValueSource(strings = { "elsewhere/data", "ABSOLUTE" })
    void tributaryData_movesThePasswordFile_asItMovesTheLaunchersData(String data) throws Exception {
        Path dataDir = data.equals("ABSOLUTE") ? dir.resolve("absolute-data") : dir.resolve(data);
        keepAdminPassword(dataDir, Http.ADMIN_PASSWORD);
        keepAdminPassword(dir.resolve("data"), "not-the-one-in-use");
        String value = data.equals("ABSOLUTE") ? dataDir.toString() : data;
        CtlRun.bare(url()).root(dir).env("TRIBUTARY_DATA", value).run("device", "list").ok();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "TRIBUTARY_ADMIN_PASSWORD", "TRIBUTARY_AUTH_ADMIN_PASSWORD" })
    void theEnvironment_givesThePassword_beforeTheFile(String variable) throws Exception {
        keepAdminPassword(dir.resolve("data"), "stale-file-password");
        CtlRun.bare(url()).root(dir).env(variable, Http.ADMIN_PASSWORD).run("device", "list").ok();
    }

    @Test
    void withNoEnvironmentOrFile_thePromptIsAsked_namingTheService() {
        AtomicReference<String> asked = new AtomicReference<>();
        CtlRun.bare(url()).root(dir).prompt(question -> {
            asked.set(question);
            return Http.ADMIN_PASSWORD.toCharArray();
        }).run("device", "list").ok();
        assertThat(asked.get()).contains("admin password").contains(url());
    }

    @Test
    void withNoPasswordAnywhere_andNoTerminal_exits4SayingWhereItLooked() {
        CtlRun.bare(url()).root(dir).run("device", "list")
                .failedWith(Ctl.NOT_AUTHENTICATED, "no admin password: set TRIBUTARY_ADMIN_PASSWORD")
                .err().contains(dir.resolve("data/auth/admin-password").toString());
    }

    @Test
    void aWrongAdminPassword_exits4_namingWhereThePasswordCameFrom() throws Exception {
        CtlRun.bare(url()).root(dir).env("TRIBUTARY_ADMIN_PASSWORD", "wrong").run("device", "list")
                .failedWith(Ctl.NOT_AUTHENTICATED, "refused the admin password from $TRIBUTARY_ADMIN_PASSWORD");
        keepAdminPassword(dir.resolve("data"), "also-wrong");
        CtlRun.bare(url()).root(dir).run("device", "add", "never-made")
                .failedWith(Ctl.NOT_AUTHENTICATED, "refused the admin password from " + dir.resolve("data/auth/admin-password"));
        CtlRun.admin(root).run("device", "show", "never-made").failedWith(Ctl.REFUSED, "no principal never-made");
    }

    @Test
    void anUnreachableService_exits3() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort;
        CtlRun.bare(nowhere).env("TRIBUTARY_ADMIN_PASSWORD", Http.ADMIN_PASSWORD).run("device", "list")
                .failedWith(Ctl.UNREACHABLE, "cannot reach the auth service at " + nowhere + ": connection refused");
        CtlRun.bare(nowhere).env("TRIBUTARY_ADMIN_PASSWORD", Http.ADMIN_PASSWORD).runExactly("--url", nowhere, "acl", "get")
                .failedWith(Ctl.UNREACHABLE, "cannot reach");
    }

    @Test
    void aServerThatIsNotAnAuthService_exits3() {
        CtlRun.admin(root).runExactly("device", "list", "--url", url() + "q/health")
                .failedWith(Ctl.UNREACHABLE, "is it a Tributary auth service?");
    }

    @Test
    void aUrlThatIsNotHttp_isAUsageError() {
        CtlRun.admin(root).runExactly("device", "list", "--url", "ftp://example.com")
                .failedWith(Ctl.USAGE, "is not an http:// or https:// URL");
    }

    @Test
    void plainHttpToAnotherMachine_isRefusedBeforeAnyConnection_unlessInsecure() {
        // 192.0.2.1 (TEST-NET-1) is never contacted: the refusal comes before any connection
        CtlRun.admin(root).runExactly("device", "list", "--url", "http://192.0.2.1:8082")
                .failedWith(Ctl.USAGE, "plain HTTP to another machine");
        CtlRun.admin(root).runExactly("device", "list", "--url", "http://auth.example:8082")
                .failedWith(Ctl.USAGE, "--insecure");
    }

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = { "", "device", "device add", "device list", "device show", "device passwd", "device disable",
            "device enable", "device delete", "group", "group add", "group remove", "group list", "acl", "acl get",
            "acl set", "acl import", "passwd", "passwd import", "token" })
    void everyCommand_hasHelp_withItsUsageAndTheExitCodes_withoutCallingTheService(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        // no password anywhere and nothing listening: help must not need either
        CtlRun.Result help = CtlRun.bare("http://127.0.0.1:1").root(dir).runExactly(args.toArray(String[]::new)).ok();
        assertThat(help.out()).startsWith("Usage: tributary ctl" + (command.isEmpty() ? "" : " " + command))
                .contains("Exit codes:", "3   cannot reach the auth service", "4   not authenticated");
        assertThat(help.err()).isEmpty();
        if (command.split(" ").length == 2 || command.equals("token")) {
            assertThat(help.out()).as("a leaf command shows an example").contains("Example: tributary ctl ");
        }
    }

    @Test
    void usageErrors_exit2_withOneLinePointingAtHelp() {
        CtlRun bare = CtlRun.bare("http://127.0.0.1:1").root(dir);
        bare.runExactly("devices", "list").failedWith(Ctl.USAGE, "Unmatched argument");
        bare.runExactly("device", "add").failedWith(Ctl.USAGE, "(see: tributary ctl device add --help)");
        bare.runExactly("device", "list", "--colour").failedWith(Ctl.USAGE, "Unknown option: '--colour'");
        bare.runExactly("device").failedWith(Ctl.USAGE, "a subcommand is needed: add, list");
        bare.runExactly().failedWith(Ctl.USAGE, "a command is needed");
        bare.runExactly("group", "add", "only-a-group").failedWith(Ctl.USAGE, "DEVICE");
    }
}
