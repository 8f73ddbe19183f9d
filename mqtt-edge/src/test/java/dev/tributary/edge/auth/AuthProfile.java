package dev.tributary.edge.auth;

import java.nio.file.Path;
import java.util.Map;

import dev.tributary.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The edge as it runs in production: authentication on, anonymous off, a TLS listener where a client
 * certificate is optional (its CN, if verified, is the user name).
 */
public class AuthProfile implements QuarkusTestProfile {

    public static final String TOPIC = "tributary.auth.edge-it";
    static final String CERTIFICATE_CN = "cert-device";

    static TestCertificates certificates() {
        return TestCertificates.in(Path.of("target", "auth-tls-test").toAbsolutePath(), CERTIFICATE_CN);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        TestCertificates certs = certificates();
        return Map.ofEntries(
                Map.entry("tributary.edge.auth.enabled", "true"),
                Map.entry("tributary.edge.auth.topic", TOPIC),
                // every test client connects from 127.0.0.1: the per-address limit would add up across tests
                Map.entry("tributary.edge.auth.max-failures-per-address", "1000"),
                Map.entry("tributary.edge.mqtt.allow-anonymous", "false"),
                Map.entry("tributary.edge.tls.enabled", "true"),
                Map.entry("tributary.edge.tls.port", "0"),
                Map.entry("tributary.edge.tls.certificate", certs.serverCertificate().toString()),
                Map.entry("tributary.edge.tls.key", certs.serverKey().toString()),
                Map.entry("tributary.edge.tls.client-auth", "optional"),
                Map.entry("tributary.edge.tls.trust-certificates", certs.caCertificate().toString()));
    }
}
