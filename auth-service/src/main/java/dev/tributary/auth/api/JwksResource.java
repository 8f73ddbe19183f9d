package dev.tributary.auth.api;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tributary.auth.store.AuthStore;
import dev.tributary.common.auth.AuthRecords.SigningKey;

/** The public keys tokens are signed with, as a JSON Web Key Set (RFC 7517), for anyone verifying them. */
@Path("/.well-known/jwks.json")
@PermitAll
public class JwksResource {

    private final AuthStore store;

    public JwksResource(AuthStore store) {
        this.store = store;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, List<Map<String, String>>> keys() throws Exception {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        List<Map<String, String>> keys = new ArrayList<>();
        for (SigningKey key : store.signingKeys()) {
            RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey())));
            keys.add(Map.of("kty", "RSA", "use", "sig", "alg", key.algorithm(), "kid", key.kid(),
                    "n", base64Url(pub.getModulus()), "e", base64Url(pub.getPublicExponent())));
        }
        return Map.of("keys", keys);
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length); // unsigned, as JWK wants
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
