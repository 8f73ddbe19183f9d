package dev.tributary.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequiredToolsTest {

    @Test
    void anInstalledProgram_isFoundByItsAbsolutePath() {
        assertThat(RequiredTools.path("sh")).startsWith("/").endsWith("/sh");
    }

    @Test
    void aMissingProgram_failsWithOneLineNamingItAndItsPackage() {
        assertThatThrownBy(() -> RequiredTools.path("chromedriver-that-is-not-there"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("needs chromedriver-that-is-not-there")
                .hasMessageContaining("./tributary test");
    }
}
