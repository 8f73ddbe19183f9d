package dev.tributary.auth.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * The admin API takes HTTP Basic credentials: over plain HTTP anyone on the path reads the admin password.
 * Quarkus serves HTTPS when {@code quarkus.http.ssl.certificate.files} and {@code .key-files} are set; this
 * warns at start when the API listens beyond loopback without them.
 */
public class PlainHttpWarning {

    private static final Logger LOG = Logger.getLogger(PlainHttpWarning.class);

    void check(@Observes StartupEvent start, @ConfigProperty(name = "quarkus.http.host") String host,
            @ConfigProperty(name = "quarkus.http.ssl.certificate.files") Optional<String> certificate) {
        if (exposedWithoutTls(host, certificate.isPresent())) {
            LOG.warnf("the admin API listens on %s over plain HTTP: the admin password crosses the network in the clear; "
                    + "set quarkus.http.ssl.certificate.files and quarkus.http.ssl.certificate.key-files to serve HTTPS, "
                    + "or quarkus.http.host=127.0.0.1", host);
        }
    }

    /** Whether clients beyond this machine can reach a listener on {@code host} that has no TLS. */
    static boolean exposedWithoutTls(String host, boolean tls) {
        if (tls) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return false;
        }
        try {
            // an address literal is parsed, not looked up; a name is resolved as the listener would resolve it
            return !InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
