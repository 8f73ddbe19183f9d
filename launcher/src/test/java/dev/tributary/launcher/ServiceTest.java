package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ServiceTest {

    private static final Path ROOT = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath();

    private static Service named(String name) {
        return Service.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theEdgeRunsLocallyWithTheHeapSettingsItsContainerImagePasses() throws IOException {
        var options = named("mqtt-edge").jvmOptions(ROOT);
        String dockerfile = Files.readString(ROOT.resolve("mqtt-edge/src/main/docker/Dockerfile.jvm"));

        assertThat(options).contains("-Xms32m").allMatch(o -> o.startsWith("-X"), "a JVM option, not a comment");
        assertThat(options).allSatisfy(o -> assertThat(dockerfile).contains(" " + o));
    }

    @Test
    void aModuleWithoutJvmOptionsFileGetsNone() throws IOException {
        assertThat(named("auth-service").jvmOptions(ROOT)).isEmpty();
    }
}
