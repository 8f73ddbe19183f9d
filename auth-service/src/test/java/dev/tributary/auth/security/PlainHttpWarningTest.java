package dev.tributary.auth.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainHttpWarningTest {

    @Test
    void anApiOnEveryInterfaceWithoutTls_isExposed() {
        assertThat(PlainHttpWarning.exposedWithoutTls("0.0.0.0", false)).isTrue();
        assertThat(PlainHttpWarning.exposedWithoutTls("::", false)).isTrue();
        assertThat(PlainHttpWarning.exposedWithoutTls("192.0.2.10", false)).isTrue();
    }

    @Test
    void loopbackOrTls_isNot() {
        assertThat(PlainHttpWarning.exposedWithoutTls("127.0.0.1", false)).isFalse();
        assertThat(PlainHttpWarning.exposedWithoutTls("::1", false)).isFalse();
        assertThat(PlainHttpWarning.exposedWithoutTls("localhost", false)).isFalse();
        assertThat(PlainHttpWarning.exposedWithoutTls("0.0.0.0", true)).isFalse();
    }
}
