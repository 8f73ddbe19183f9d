package dev.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark's scratch directory (Kafka's log, broker configs and logs), deleted when the run
 * ends: a mirror run leaves about 150 MB of Kafka log behind otherwise. Set
 * {@code -Dtributary.bench.keep-work=true} to keep it for reading the logs.
 */
final class WorkDir implements AutoCloseable {

    private final Path path;

    WorkDir(String prefix) throws IOException {
        this.path = Files.createTempDirectory(prefix);
    }

    Path path() {
        return path;
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    /** A subdirectory, created: e.g. one per broker process, so that their logs stay apart. */
    Path directory(String name) throws IOException {
        return Files.createDirectories(path.resolve(name));
    }

    @Override
    public void close() {
        if (Boolean.getBoolean("tributary.bench.keep-work")) {
            System.out.println("work directory kept: " + path);
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }
}
