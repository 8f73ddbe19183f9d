package dev.tributary.auth.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tributary.ctl.Ctl;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** tributary ctl acl …, passwd import and token against the real auth service over HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class CtlAclAndImportIT extends CtlAsAdmin {

    @TempDir
    Path dir;

    @Test
    void aclSet_replacesTheRulesFromAFile_andAclGetPrintsThemInTheSameFormat() throws Exception {
        Path rules = Files.writeString(dir.resolve("acl.json"), """
                [{"who":"group","name":"trucks","topicFilter":"fleet/+/telemetry","action":"publish","allow":true},
                 {"who":"any","topicFilter":"fleet/${username}/#","action":"both","allow":true}]""");
        assertThat(ctl.run("acl", "set", rules.toString()).ok().out().strip()).isEqualTo("2 rules");

        String printed = ctl.run("acl", "get").ok().out();
        JsonNode got = JSON.readTree(printed);
        assertThat(got).hasSize(2);
        assertThat(got.get(0).get("topicFilter").asText()).isEqualTo("fleet/+/telemetry");
        assertThat(got.get(1).get("who").asText()).isEqualTo("ANY");

        Path roundTrip = Files.writeString(dir.resolve("again.json"), printed);
        ctl.run("acl", "set", roundTrip.toString()).ok();
        assertThat(JSON.readTree(ctl.run("acl", "get").ok().out())).isEqualTo(got);

        assertThat(ctl.stdin("[]").run("acl", "set", "-").ok().out().strip()).isEqualTo("0 rules");
        assertThat(JSON.readTree(ctl.run("acl", "get").ok().out())).isEmpty();
    }

    @Test
    void aclSet_ofAMissingOrMalformedFile_isAUsageError_andChangesNothing() throws Exception {
        ctl.stdin("[{\"who\":\"any\",\"topicFilter\":\"kept/#\",\"action\":\"both\",\"allow\":true}]").run("acl", "set", "-").ok();

        ctl.run("acl", "set", dir.resolve("missing.json").toString()).failedWith(Ctl.USAGE, "no such file: ");
        Path notJson = Files.writeString(dir.resolve("rules.txt"), "topic read #");
        ctl.run("acl", "set", notJson.toString()).failedWith(Ctl.USAGE, "is not JSON");
        Path notArray = Files.writeString(dir.resolve("object.json"), "{\"who\":\"any\"}");
        ctl.run("acl", "set", notArray.toString()).failedWith(Ctl.USAGE, "is not a JSON array of rules");

        assertThat(ctl.run("acl", "get").ok().out()).contains("kept/#");
    }

    @Test
    void aclSet_ofARuleTheServiceRejects_exits1WithItsReason() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"),
                "[{\"who\":\"any\",\"topicFilter\":\"fleet/v${clientid}/#\",\"action\":\"publish\",\"allow\":true}]");
        ctl.run("acl", "set", bad.toString()).failedWith(Ctl.REFUSED, "whole level");
        Path unknownWho = Files.writeString(dir.resolve("who.json"),
                "[{\"who\":\"nobody\",\"topicFilter\":\"a\",\"action\":\"publish\",\"allow\":true}]");
        ctl.run("acl", "set", unknownWho.toString()).failedWith(Ctl.REFUSED, "tributary ctl: ");
    }

    @Test
    void aclImport_addsAMosquittoAclFilesRulesAfterTheExistingOnes_listingSkippedLinesOnStderr() throws Exception {
        ctl.stdin("[{\"who\":\"any\",\"topicFilter\":\"first/#\",\"action\":\"both\",\"allow\":true}]").run("acl", "set", "-").ok();
        Path aclFile = Files.writeString(dir.resolve("acl"), """
                # anonymous clients
                topic read $SYS/#

                user alice
                topic readwrite fleet/alice/#
                pattern write fleet/%c/telemetry
                pattern write fleet/v%c/telemetry
                """);
        CtlRun.Result imported = ctl.run("acl", "import", aclFile.toString()).ok();
        assertThat(imported.out().strip()).isEqualTo("3 rules added");
        assertThat(imported.err()).startsWith("tributary ctl: skipped ").contains("line 7");

        JsonNode rules = JSON.readTree(ctl.run("acl", "get").ok().out());
        assertThat(rules.findValuesAsText("topicFilter"))
                .containsExactly("first/#", "$SYS/#", "fleet/alice/#", "fleet/${clientid}/telemetry");
        assertThat(rules.get(1).get("who").asText()).as("lines before the first user line are for anonymous clients")
                .isEqualToIgnoringCase("anonymous");
    }

    @Test
    void aclImportFirst_putsTheFilesRulesBeforeTheExistingOnes_soItsDeniesDecide() throws Exception {
        ctl.stdin("[{\"who\":\"any\",\"topicFilter\":\"fleet/#\",\"action\":\"both\",\"allow\":true}]").run("acl", "set", "-").ok();
        Path aclFile = Files.writeString(dir.resolve("acl-first"), """
                pattern deny fleet/+/secret
                """);

        assertThat(ctl.run("acl", "import", "--first", aclFile.toString()).ok().out().strip()).isEqualTo("1 rules added");

        JsonNode rules = JSON.readTree(ctl.run("acl", "get").ok().out());
        assertThat(rules.findValuesAsText("topicFilter")).containsExactly("fleet/+/secret", "fleet/#");
        assertThat(rules.get(0).get("allow").asBoolean()).isFalse();
    }

    @Test
    void passwdImport_ofAMosquittoPasswdFile_keepsEveryDevicesPassword() throws Exception {
        String a = unique("mq-a");
        String b = unique("mq-b");
        Path passwd = mosquittoPasswdFile(List.of(a, b), List.of("password-of-a", "password-of-b"));

        CtlRun.Result imported = ctl.run("passwd", "import", passwd.toString(), "--group", "migrated").ok();
        assertThat(imported.lines()).containsExactly(a, b);
        assertThat(ctl.run("device", "show", a).ok().out().strip()).isEqualTo(a + "\tdevice\tenabled\tmigrated");
        for (String[] login : new String[][] { { a, "password-of-a" }, { b, "password-of-b" } }) {
            assertThat(http.anonymous("POST", "/api/tokens", "{\"username\":\"" + login[0] + "\",\"password\":\"" + login[1] + "\"}")
                    .statusCode()).as("%s logs in with its Mosquitto password", login[0]).isEqualTo(200);
        }
    }

    @Test
    void passwdImport_ofAFileThatIsNotAPasswdFile_exits1WithTheLine() throws Exception {
        Path wrong = Files.writeString(dir.resolve("passwd"), "no colon here\n");
        ctl.run("passwd", "import", wrong.toString()).failedWith(Ctl.REFUSED, "line 1");
        ctl.run("passwd", "import", dir.resolve("absent").toString()).failedWith(Ctl.USAGE, "no such file: ");
    }

    @Test
    void token_printsAJwtForTheDevice_livingForTtl() throws Exception {
        String name = unique("tok");
        ctl.run("device", "add", name, "--group", "vans").ok();

        String token = ctl.run("token", name, "--ttl", "2h").ok().out().strip();
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(claims.get("upn").asText()).isEqualTo(name);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(7200);

        JsonNode iso = JSON.readTree(ctl.run("token", name, "--ttl", "PT90S", "--json").ok().out());
        assertThat(iso.get("username").asText()).isEqualTo(name);
        assertThat(iso.get("expiresAt").asText()).isNotBlank();
        JsonNode isoClaims = JSON.readTree(Base64.getUrlDecoder().decode(iso.get("token").asText().split("\\.")[1]));
        assertThat(isoClaims.get("exp").asLong() - isoClaims.get("iat").asLong()).isEqualTo(90);

        ctl.run("token", name, "--ttl", "31d").failedWith(Ctl.REFUSED, "tributary.auth.tokens.max-lifetime");
        ctl.run("token", name, "--ttl", "soon").failedWith(Ctl.USAGE, "'soon' is not a duration");
        ctl.run("device", "disable", name).ok();
        ctl.run("token", name).failedWith(Ctl.REFUSED, name + " is disabled");
    }

    /** Made by mosquitto_passwd when it is installed, else written in its format ($7$: PBKDF2-SHA512, 101 rounds). */
    private Path mosquittoPasswdFile(List<String> users, List<String> passwords) throws Exception {
        Path file = dir.resolve("passwd");
        if (onPath("mosquitto_passwd")) {
            for (int i = 0; i < users.size(); i++) {
                List<String> command = i == 0
                        ? List.of("mosquitto_passwd", "-c", "-b", file.toString(), users.get(i), passwords.get(i))
                        : List.of("mosquitto_passwd", "-b", file.toString(), users.get(i), passwords.get(i));
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
            }
            assertThat(Files.readString(file)).startsWith(users.get(0) + ":$7$");
            return file;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < users.size(); i++) {
            byte[] salt = new byte[12];
            new SecureRandom().nextBytes(salt);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(passwords.get(i).toCharArray(), salt, 101, 512)).getEncoded();
            text.append(users.get(i)).append(":$7$101$").append(Base64.getEncoder().encodeToString(salt)).append('$')
                    .append(Base64.getEncoder().encodeToString(hash)).append('\n');
        }
        return Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
