package dev.tributary.auth.ctl;

import java.net.URL;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.testsupport.Http;
import io.quarkus.test.common.http.TestHTTPResource;

/** What the tests of ctl's commands share: the CLI as the admin, and the API to check what it did. */
abstract class CtlAsAdmin {

    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    CtlRun ctl;
    Http http;

    @BeforeEach
    void asAdmin() {
        ctl = CtlRun.admin(root);
        http = new Http(root.toString());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
