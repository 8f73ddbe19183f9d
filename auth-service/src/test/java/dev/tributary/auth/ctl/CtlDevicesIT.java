package dev.tributary.auth.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tributary.ctl.Ctl;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** tributary ctl device … and group … against the real auth service over HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class CtlDevicesIT extends CtlAsAdmin {

    private int tokenStatus(String name, String password) {
        return http.anonymous("POST", "/api/tokens", "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}").statusCode();
    }

    @Test
    void deviceAdd_printsOnlyTheGeneratedPassword_whichTheDeviceCanLogInWith() {
        String name = unique("truck");
        CtlRun.Result added = ctl.run("device", "add", name, "--group", "trucks", "-g", "north").ok();
        assertThat(added.lines()).singleElement().asString().hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(added.err()).isEmpty();
        assertThat(tokenStatus(name, added.out().strip())).isEqualTo(200);

        CtlRun.Result shown = ctl.run("device", "show", name).ok();
        assertThat(shown.out().strip()).isEqualTo(name + "\tdevice\tenabled\ttrucks,north");
        assertThat(shown.out()).doesNotContain(added.out().strip());
    }

    @Test
    void deviceAdd_ofATakenName_exits1WithTheServiceReason() {
        String name = unique("taken");
        ctl.run("device", "add", name).ok();
        ctl.run("device", "add", name).failedWith(Ctl.REFUSED, name + " exists already");
    }

    @Test
    void deviceAdd_withABadName_exits1WithTheServiceReason() {
        ctl.run("device", "add", "bad/#").failedWith(Ctl.REFUSED, "no MQTT wildcards");
    }

    @Test
    void deviceAdd_stdin_setsTheChosenPassword_andPrintsNothing() {
        String name = unique("chosen");
        assertThat(ctl.stdin("my-own-password\n").run("device", "add", name, "--stdin").ok().out()).isEmpty();
        assertThat(tokenStatus(name, "my-own-password")).isEqualTo(200);
        ctl.stdin("short\n").run("device", "add", unique("short"), "--stdin").failedWith(Ctl.REFUSED, "8 to 1024");
    }

    @Test
    void deviceAdd_user_andJson_giveADashboardUserWithItsRecord() throws Exception {
        String name = unique("person");
        JsonNode created = JSON.readTree(ctl.run("device", "add", name, "--user", "--json").ok().out());
        assertThat(created.get("username").asText()).isEqualTo(name);
        assertThat(created.get("kind").asText()).isEqualTo("USER");
        assertThat(created.get("password").asText()).hasSize(24);
    }

    @Test
    void deviceList_printsOneNamePerLine_longAndJsonFormsCarryTheDetails() throws Exception {
        String a = unique("list-a");
        String b = unique("list-b");
        ctl.run("device", "add", a, "--group", "listed").ok();
        ctl.run("device", "add", b).ok();
        ctl.run("device", "disable", b).ok();

        CtlRun.Result names = ctl.run("device", "list").ok();
        assertThat(names.lines()).contains(a, b).isSorted().allSatisfy(line -> assertThat(line).doesNotContain("\t", " "));
        assertThat(ctl.run("device", "list", "--long").ok().lines())
                .contains(a + "\tdevice\tenabled\tlisted", b + "\tdevice\tdisabled\t-");
        JsonNode json = JSON.readTree(ctl.run("device", "list", "--json").ok().out());
        assertThat(json.findValuesAsText("username")).contains(a, b);
        assertThat(json.toString()).doesNotContain("passwordHash").doesNotContain("$7$");
    }

    @Test
    void deviceDisable_refusesItsLogins_enableLetsThemIn_deleteRemovesIt() {
        String name = unique("lifecycle");
        String password = ctl.run("device", "add", name).ok().out().strip();

        assertThat(ctl.run("device", "disable", name).ok().out()).isEmpty();
        assertThat(ctl.run("device", "show", name).ok().out()).contains("\tdisabled\t");
        assertThat(tokenStatus(name, password)).isEqualTo(401);

        ctl.run("device", "enable", name).ok();
        assertThat(tokenStatus(name, password)).isEqualTo(200);

        assertThat(ctl.run("device", "delete", name).ok().out()).isEmpty();
        assertThat(ctl.run("device", "list").ok().lines()).doesNotContain(name);
        ctl.run("device", "show", name).failedWith(Ctl.REFUSED, "no principal " + name);
    }

    @Test
    void anUnknownDevice_exits1ForEveryCommandThatNamesIt() {
        String ghost = unique("ghost");
        for (String[] command : new String[][] {
                { "device", "show", ghost }, { "device", "disable", ghost }, { "device", "enable", ghost },
                { "device", "delete", ghost }, { "device", "passwd", ghost }, { "group", "add", "g", ghost },
                { "group", "remove", "g", ghost }, { "token", ghost } }) {
            ctl.run(command).failedWith(Ctl.REFUSED, "no principal " + ghost);
        }
    }

    @Test
    void devicePasswd_printsANewGeneratedPassword_orSetsTheOneOnStdin() {
        String name = unique("rotate");
        String first = ctl.run("device", "add", name).ok().out().strip();

        String second = ctl.run("device", "passwd", name).ok().out().strip();
        assertThat(second).hasSize(24).isNotEqualTo(first);
        assertThat(tokenStatus(name, second)).isEqualTo(200);

        CtlRun.Result chosen = ctl.stdin("chosen-by-the-admin\n").run("device", "passwd", name, "--stdin").ok();
        assertThat(chosen.out()).as("a password the admin chose is not echoed").isEmpty();
        assertThat(tokenStatus(name, "chosen-by-the-admin")).isEqualTo(200);
        ctl.stdin("").run("device", "passwd", name, "--stdin").failedWith(Ctl.USAGE, "no password on stdin");
    }

    @Test
    void groupAddAndRemove_changeMembership_idempotently_andGroupListShowsMembers() throws Exception {
        String group = unique("fleet");
        String a = unique("member-a");
        String b = unique("member-b");
        ctl.run("device", "add", a, "--group", "keep").ok();
        ctl.run("device", "add", b).ok();

        ctl.run("group", "add", group, a, b).ok();
        ctl.run("group", "add", group, a).ok();
        assertThat(ctl.run("device", "show", a).ok().out().strip()).endsWith("\tkeep," + group);
        assertThat(ctl.run("group", "list").ok().lines()).contains(group + "\t" + String.join(",", new java.util.TreeSet<>(java.util.List.of(a, b))));
        assertThat(JSON.readTree(ctl.run("group", "list", "--json").ok().out()).get(group).toString()).contains(a, b);

        ctl.run("group", "remove", group, a).ok();
        ctl.run("group", "remove", group, a).ok();
        assertThat(ctl.run("device", "show", a).ok().out().strip()).endsWith("\tkeep");
        assertThat(ctl.run("group", "list").ok().lines()).contains(group + "\t" + b);
        ctl.run("group", "remove", group, b).ok();
        assertThat(ctl.run("group", "list").ok().out()).as("a group without members is gone").doesNotContain(group);
    }
}
