package dev.tributary.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The edge's layering, read from its sources: no cycles between its packages, and the protocol engine
 * (MQTT types, protocol state machine, sessions, subscriptions, retained store, ACL checks) imports
 * neither Kafka nor Netty: those live behind the ports the engine defines.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/tributary/edge");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Set<String> ENGINE = Set.of("mqtt", "protocol", "session", "subscriptions", "retained", "auth");

    /** Package (below dev.tributary.edge, "" for the root) → the edge packages and outside imports it uses. */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = out.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    uses.add(m.group(1));
                }
            }
        }
        return out;
    }

    private static String edgePackage(String imported) {
        String prefix = "dev.tributary.edge.";
        if (!imported.startsWith(prefix)) {
            return imported.equals("dev.tributary.edge") ? "" : null;
        }
        String rest = imported.substring(prefix.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        imports().forEach((pkg, uses) -> {
            Set<String> edges = new TreeSet<>();
            for (String imported : uses) {
                String target = edgePackage(imported);
                if (target != null && !target.equals(pkg)) {
                    edges.add(target);
                }
            }
            graph.put(pkg, edges);
        });
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            findCycle(graph, start, start, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
        }
        assertThat(cycles).as("package cycles in mqtt-edge (" + graph + ")").isEmpty();
    }

    private static void findCycle(Map<String, Set<String>> graph, String start, String at, List<String> path,
            Set<String> seen, List<String> cycles) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (seen.add(next)) {
                path.add(next);
                findCycle(graph, start, next, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    @Test
    void theEngineImportsNeitherKafkaNorNetty() throws IOException {
        List<String> offending = new ArrayList<>();
        imports().forEach((pkg, uses) -> {
            if (ENGINE.contains(pkg)) {
                uses.stream().filter(i -> i.startsWith("org.apache.kafka") || i.startsWith("io.netty"))
                        .forEach(i -> offending.add(pkg + " imports " + i));
            }
        });
        assertThat(offending).isEmpty();
    }
}
