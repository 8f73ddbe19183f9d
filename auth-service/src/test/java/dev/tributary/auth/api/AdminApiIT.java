package dev.tributary.auth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.testsupport.LogLines;
import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The admin API over HTTP against the real Kafka-backed store. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class AdminApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    private Http http;
    private LogLines auditLines;

    @BeforeEach
    void setUp() {
        http = new Http(root.toString());
        auditLines = LogLines.of("tributary.audit");
    }

    @AfterEach
    void tearDown() {
        auditLines.close();
    }

    @ParameterizedTest(name = "{0} {1} refuses anonymous and wrong credentials")
    @CsvSource({
            "GET, /api/principals", "POST, /api/principals", "GET, /api/acl", "PUT, /api/acl", "GET, /api/groups",
            "DELETE, /api/principals/x", "POST, /api/principals/x/disable" })
    void theAdminApi_refusesAnonymousAndWrongCredentials(String method, String path) {
        String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
        assertThat(http.anonymous(method, path, body).statusCode()).isEqualTo(401);
        assertThat(http.call(method, path, body, "application/json", Http.ADMIN, "wrong").statusCode()).isEqualTo(401);
        assertThat(http.call(method, path, body, "application/json", "root", Http.ADMIN_PASSWORD).statusCode()).isEqualTo(401);
        assertThat(http.call("POST", "/api/import/mosquitto/passwd", "u:$7$1$a$b", "text/plain", null, null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aDeviceIsCreatedWithAGeneratedPasswordShownOnce_andManagedThroughItsLife() throws Exception {
        String name = "dev-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"groups\":[\"trucks\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode device = JSON.readTree(created.body());
        String password = device.get("password").asText();
        assertThat(password).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(device.get("kind").asText()).isEqualTo("DEVICE");

        HttpResponse<String> read = http.admin("GET", "/api/principals/" + name, null);
        assertThat(read.body()).doesNotContain(password).doesNotContain("$7$").contains("\"trucks\"");
        assertThat(http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\"}").statusCode()).isEqualTo(409);
        assertThat(http.admin("GET", "/api/groups", null).body()).contains("\"trucks\":[").contains(name);

        HttpResponse<String> rotated = http.admin("POST", "/api/principals/" + name + "/password", "{}");
        assertThat(JSON.readTree(rotated.body()).get("password").asText()).hasSize(24).isNotEqualTo(password);
        HttpResponse<String> supplied = http.admin("POST", "/api/principals/" + name + "/password", "{\"password\":\"chosen-by-me\"}");
        assertThat(JSON.readTree(supplied.body()).get("password").isNull()).as("a supplied password is not echoed").isTrue();

        assertThat(JSON.readTree(http.admin("POST", "/api/principals/" + name + "/disable", null).body())
                .get("disabled").asBoolean()).isTrue();
        assertThat(JSON.readTree(http.admin("POST", "/api/principals/" + name + "/enable", null).body())
                .get("disabled").asBoolean()).isFalse();
        assertThat(http.admin("PUT", "/api/principals/" + name + "/groups", "[\"vans\"]").body()).contains("\"vans\"");
        assertThat(http.admin("DELETE", "/api/principals/" + name, null).statusCode()).isEqualTo(204);
        assertThat(http.admin("GET", "/api/principals/" + name, null).statusCode()).isEqualTo(404);

        assertThat(auditLines.lines()).anyMatch(l -> l.contains("actor=\"admin\" action=principal.create target=\"" + name + "\""));
        assertThat(auditLines.lines()).anyMatch(l -> l.contains("action=principal.disable target=\"" + name + "\""));
        assertThat(auditLines.lines()).anyMatch(l -> l.contains("action=principal.delete target=\"" + name + "\""));
        assertThat(auditLines.lines()).noneMatch(l -> l.contains(password) || l.contains("chosen-by-me"));
    }

    @Test
    void badInput_getsA400WithTheReason() {
        HttpResponse<String> wildcard = http.admin("POST", "/api/principals", "{\"username\":\"a/#\"}");
        assertThat(wildcard.statusCode()).isEqualTo(400);
        assertThat(wildcard.body()).contains("no MQTT wildcards");
        assertThat(http.admin("POST", "/api/principals", "{\"username\":\"short-pw\",\"password\":\"1234\"}").body())
                .contains("8 to 1024");
        HttpResponse<String> rule = http.admin("POST", "/api/acl",
                "[{\"who\":\"any\",\"topicFilter\":\"fleet/v${clientid}/#\",\"action\":\"publish\",\"allow\":true}]");
        assertThat(rule.statusCode()).isEqualTo(400);
        assertThat(rule.body()).contains("whole level");
        assertThat(http.admin("POST", "/api/acl", "[{\"who\":\"user\",\"topicFilter\":\"a\",\"action\":\"publish\",\"allow\":true}]")
                .body()).contains("needs a name");
        HttpResponse<String> connect = http.admin("POST", "/api/acl",
                "[{\"who\":\"any\",\"topicFilter\":\"gw-${clientid}\",\"action\":\"connect\",\"allow\":true}]");
        assertThat(connect.statusCode()).isEqualTo(400);
        assertThat(connect.body()).contains("only placeholder in a client id pattern");
    }

    @Test
    void aConnectRule_takesAClientIdPatternThatIsNoTopicFilter() throws Exception {
        // checked as a client id pattern (ClientIdCheck), not as a topic filter
        HttpResponse<String> added = http.admin("POST", "/api/acl",
                "[{\"who\":\"group\",\"name\":\"gateways\",\"topicFilter\":\"site-*-${username}\",\"action\":\"connect\",\"allow\":true}]");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        JsonNode rules = JSON.readTree(http.admin("GET", "/api/acl", null).body());
        assertThat(rules.get(rules.size() - 1).get("action").asText()).isEqualTo("CONNECT");
    }

    @Test
    void aclRules_areKeptInOrder_andAppended() throws Exception {
        HttpResponse<String> replaced = http.admin("PUT", "/api/acl", """
                [{"who":"any","topicFilter":"fleet/${clientid}/#","action":"both","allow":true},
                 {"who":"group","name":"operators","topicFilter":"#","action":"subscribe","allow":true}]""");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        http.admin("POST", "/api/acl", "[{\"who\":\"user\",\"name\":\"v13\",\"topicFilter\":\"fleet/#\",\"action\":\"both\",\"allow\":false}]");
        JsonNode rules = JSON.readTree(http.admin("GET", "/api/acl", null).body());
        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).get("topicFilter").asText()).isEqualTo("fleet/${clientid}/#");
        assertThat(rules.get(2).get("name").asText()).isEqualTo("v13");
        assertThat(rules.get(2).get("allow").asBoolean()).isFalse();
    }

    @Test
    void theOpenApiDocument_andSwaggerUi_areServed() {
        assertThat(http.anonymous("GET", "/q/openapi", null).body()).contains("/api/principals", "/api/tokens", "basic");
        assertThat(http.anonymous("GET", "/q/swagger-ui/", null).statusCode()).isEqualTo(200);
    }
}
