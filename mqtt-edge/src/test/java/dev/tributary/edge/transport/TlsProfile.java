package dev.tributary.edge.transport;

import java.nio.file.Path;
import java.util.Map;

import dev.tributary.testsupport.TestCertificates;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The edge with its TLS listener on (client certificates required) and WS and WSS on one WebSocket port,
 * certificates made for the run.
 */
public class TlsProfile implements QuarkusTestProfile {

    static final String CLIENT_CN = "device-7";

    static TestCertificates certificates() {
        return TestCertificates.in(Path.of("target", "tls-test").toAbsolutePath(), CLIENT_CN);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        TestCertificates certs = certificates();
        return Map.of(
                "tributary.edge.tls.enabled", "true",
                "tributary.edge.tls.port", "0",
                "tributary.edge.tls.certificate", certs.serverCertificate().toString(),
                "tributary.edge.tls.key", certs.serverKey().toString(),
                "tributary.edge.tls.client-auth", "required",
                "tributary.edge.tls.trust-certificates", certs.caCertificate().toString(),
                "tributary.edge.websocket.tls", "optional");
    }
}
