package dev.tributary.edge.transport;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;

/** The client certificate a TLS listener verified, as the authenticator sees it. */
final class ClientCertificates {

    private ClientCertificates() {
    }

    /** The CN of the verified client certificate, or null (no TLS, or no certificate). */
    static String commonName(ChannelPipeline pipeline) {
        SslHandler ssl = pipeline.get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException | InvalidNameException noName) {
            return null;
        }
    }
}
