package dev.tributary.auth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.testsupport.Http;
import dev.tributary.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Tokens: issued for the right credentials only, signed by a key the JWKS endpoint publishes. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class TokensIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(root.toString());
    }

    @Test
    void aToken_isIssuedForTheRightPasswordOnly_andVerifiesWithTheJwksKey() throws Exception {
        String name = "tok-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(http.admin("POST", "/api/principals", "{\"username\":\"" + name
                + "\",\"kind\":\"user\",\"password\":\"dashboard-pass\",\"groups\":[\"operators\"]}").statusCode()).isEqualTo(201);
        http.admin("PUT", "/api/acl", "[{\"who\":\"group\",\"name\":\"operators\",\"topicFilter\":\"#\",\"action\":\"subscribe\",\"allow\":true},"
                + "{\"who\":\"user\",\"name\":\"someone-else\",\"topicFilter\":\"x\",\"action\":\"both\",\"allow\":true}]");

        assertThat(http.anonymous("POST", "/api/tokens", "{\"username\":\"" + name + "\",\"password\":\"wrong-pass\"}")
                .statusCode()).isEqualTo(401);
        assertThat(http.anonymous("POST", "/api/tokens", "{\"username\":\"nobody\",\"password\":\"dashboard-pass\"}")
                .statusCode()).isEqualTo(401);
        HttpResponse<String> issued = http.anonymous("POST", "/api/tokens",
                "{\"username\":\"" + name + "\",\"password\":\"dashboard-pass\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = JSON.readTree(issued.body()).get("token").asText();

        String[] parts = token.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(claims.get("upn").asText()).isEqualTo(name);
        assertThat(claims.get("iss").asText()).isEqualTo("tributary");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(4); // %test lifetime
        assertThat(claims.get("groups").toString()).contains("operators");
        assertThat(claims.get("acl")).as("only the rules that apply to this user").hasSize(1);
        assertThat(claims.get("acl").get(0).get("topicFilter").asText()).isEqualTo("#");

        JsonNode jwks = JSON.readTree(http.anonymous("GET", "/.well-known/jwks.json", null).body());
        JsonNode key = null;
        for (JsonNode k : jwks.get("keys")) {
            if (k.get("kid").asText().equals(header.get("kid").asText())) {
                key = k;
            }
        }
        assertThat(key).as("the token's key is in the JWKS").isNotNull();
        PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText())),
                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").asText()))));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(publicKey);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    private java.net.http.HttpResponse<String> withBearer(String path, String token) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(root.toURI().resolve(path))
                .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String longLived(String name) {
        HttpResponse<String> issued = http.admin("POST", "/api/principals/" + name + "/token", "{\"ttlSeconds\":300}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        try {
            return JSON.readTree(issued.body()).get("token").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aValidToken_isRefreshedIntoANewOne_untilItIsEnded_orThePrincipalsTokensAreRevoked() throws Exception {
        String name = "tok-ref-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(http.admin("POST", "/api/principals", "{\"username\":\"" + name
                + "\",\"kind\":\"user\",\"password\":\"refresh-pass\"}").statusCode()).isEqualTo(201);
        // tokens that outlive the test (the %test lifetime is 4 s)
        String first = longLived(name);
        String second = longLived(name);

        HttpResponse<String> refreshed = withBearer("/api/tokens/refresh", first);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        String fresh = JSON.readTree(refreshed.body()).get("token").asText();
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(fresh.split("\\.")[1]));
        assertThat(claims.get("upn").asText()).isEqualTo(name);
        assertThat(claims.get("jti").asText()).isNotEqualTo(
                JSON.readTree(Base64.getUrlDecoder().decode(first.split("\\.")[1])).get("jti").asText());

        assertThat(withBearer("/api/tokens/end", first).statusCode()).isEqualTo(204);
        assertThat(withBearer("/api/tokens/refresh", first).statusCode()).as("an ended token").isEqualTo(401);
        assertThat(withBearer("/api/tokens/refresh", second).statusCode()).as("another token of the user").isEqualTo(200);
        assertThat(withBearer("/api/tokens/refresh", second.substring(0, second.length() - 4) + "AAAA").statusCode())
                .as("a tampered signature").isEqualTo(401);

        assertThat(http.admin("POST", "/api/principals/" + name + "/revoke-tokens", null).statusCode()).isEqualTo(200);
        assertThat(withBearer("/api/tokens/refresh", second).statusCode()).as("after revoke-tokens").isEqualTo(401);
    }

    @Test
    void aDisabledPrincipal_getsNoToken() {
        String name = "tok-off-" + UUID.randomUUID().toString().substring(0, 8);
        http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"password\":\"some-password\"}");
        http.admin("POST", "/api/principals/" + name + "/disable", null);
        HttpResponse<String> refused = http.anonymous("POST", "/api/tokens", "{\"username\":\"" + name + "\",\"password\":\"some-password\"}");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("disabled");
    }

    @Test
    void repeatedWrongPasswords_areThrottled_evenForTheRightPassword_untilTheWindowPasses() throws Exception {
        String name = "tok-guess-" + UUID.randomUUID().toString().substring(0, 8);
        http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"password\":\"the-right-one\"}");
        int refused = 0;
        int status = 401;
        while (status == 401 && refused < 10) {
            status = http.anonymous("POST", "/api/tokens", "{\"username\":\"" + name + "\",\"password\":\"guess-" + refused + "\"}")
                    .statusCode();
            refused++;
        }
        assertThat(status).as("after %d wrong passwords", refused).isEqualTo(429);
        String right = "{\"username\":\"" + name + "\",\"password\":\"the-right-one\"}";
        assertThat(http.anonymous("POST", "/api/tokens", right).statusCode()).isEqualTo(429);
        Thread.sleep(3_500); // %test failure window: 3 s
        assertThat(http.anonymous("POST", "/api/tokens", right).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdmin_issuesATokenForAPrincipalWithoutItsPassword_forTheAskedLifetimeUpToTheMaximum() throws Exception {
        String name = "tok-admin-" + UUID.randomUUID().toString().substring(0, 8);
        http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"groups\":[\"vans\"]}");
        String path = "/api/principals/" + name + "/token";

        HttpResponse<String> issued = http.admin("POST", path, "{\"ttlSeconds\":7200}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(JSON.readTree(issued.body()).get("token").asText().split("\\.")[1]));
        assertThat(claims.get("upn").asText()).isEqualTo(name);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(7200);
        assertThat(claims.get("groups").toString()).contains("vans");
        JsonNode defaulted = JSON.readTree(Base64.getUrlDecoder().decode(JSON.readTree(http.admin("POST", path, "{}").body())
                .get("token").asText().split("\\.")[1]));
        assertThat(defaulted.get("exp").asLong() - defaulted.get("iat").asLong()).as("the configured lifetime").isEqualTo(4);

        assertThat(http.admin("POST", path, "{\"ttlSeconds\":" + (31L * 24 * 3600) + "}").statusCode())
                .as("longer than tributary.auth.tokens.max-lifetime (30d)").isEqualTo(400);
        assertThat(http.admin("POST", path, "{\"ttlSeconds\":0}").statusCode()).isEqualTo(400);
        assertThat(http.anonymous("POST", path, "{}").statusCode()).isEqualTo(401);
        assertThat(http.call("POST", path, "{}", "application/json", Http.ADMIN, "wrong").statusCode()).isEqualTo(401);
        assertThat(http.admin("POST", "/api/principals/nobody-" + name + "/token", "{}").statusCode()).isEqualTo(404);
        http.admin("POST", "/api/principals/" + name + "/disable", null);
        assertThat(http.admin("POST", path, "{}").statusCode()).as("a disabled principal gets no token").isEqualTo(409);
    }

    private static JsonNode claims(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    private static JsonNode header(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    }

    @Test
    void everyTokenCarriesThePrincipalsTokenGeneration_andARevocationInTheSameSecondRaisesIt() throws Exception {
        String name = "tok-gen-" + UUID.randomUUID().toString().substring(0, 8);
        http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"password\":\"gen-password\"}");
        String login = "{\"username\":\"" + name + "\",\"password\":\"gen-password\"}";
        JsonNode before = claims(JSON.readTree(http.anonymous("POST", "/api/tokens", login).body()).get("token").asText());
        assertThat(http.admin("POST", "/api/principals/" + name + "/revoke-tokens", null).statusCode()).isEqualTo(200);
        JsonNode after = claims(JSON.readTree(http.anonymous("POST", "/api/tokens", login).body()).get("token").asText());
        assertThat(after.get("tgen").asLong()).as("issued after the revocation, within the same second or not")
                .isGreaterThan(before.get("tgen").asLong());
        http.admin("POST", "/api/principals/" + name + "/password", "{\"password\":\"gen-password\"}");
        JsonNode rotated = claims(JSON.readTree(http.anonymous("POST", "/api/tokens", login).body()).get("token").asText());
        assertThat(rotated.get("tgen").asLong()).as("a password rotation revokes too").isGreaterThan(after.get("tgen").asLong());
    }

    @Test
    void rotatingTheSigningKey_signsWithTheNewKey_andKeepsTheOldOneUntilTheLongestTokenLifetimeHasPassed() throws Exception {
        String name = "tok-rot-" + UUID.randomUUID().toString().substring(0, 8);
        http.admin("POST", "/api/principals", "{\"username\":\"" + name + "\",\"password\":\"rot-password\"}");
        String login = "{\"username\":\"" + name + "\",\"password\":\"rot-password\"}";
        String oldKid = header(JSON.readTree(http.anonymous("POST", "/api/tokens", login).body()).get("token").asText())
                .get("kid").asText();

        assertThat(http.anonymous("POST", "/api/keys/rotate", null).statusCode()).isEqualTo(401);
        long now = java.time.Instant.now().getEpochSecond();
        HttpResponse<String> rotated = http.admin("POST", "/api/keys/rotate", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode keys = JSON.readTree(rotated.body());
        String newKid = keys.get(0).get("kid").asText();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(keys.get(0).get("signing").asBoolean()).isTrue();
        assertThat(keys.get(0).hasNonNull("retiresAt")).as("the signing key does not retire").isFalse();
        JsonNode old = null;
        for (JsonNode key : keys) {
            if (key.get("kid").asText().equals(oldKid)) {
                old = key;
            }
        }
        assertThat(old).as("the previous key still verifies what it signed").isNotNull();
        assertThat(old.get("retiresAt").asLong() - now).as("tributary.auth.tokens.max-lifetime: 30 days")
                .isBetween(30L * 24 * 3600 - 5, 30L * 24 * 3600 + 5);

        String token = JSON.readTree(http.anonymous("POST", "/api/tokens", login).body()).get("token").asText();
        assertThat(header(token).get("kid").asText()).isEqualTo(newKid);
        String jwks = http.anonymous("GET", "/.well-known/jwks.json", null).body();
        assertThat(jwks).contains(newKid).contains(oldKid);
        assertThat(http.admin("GET", "/api/keys", null).body()).contains(newKid).contains(oldKid);
    }
}
