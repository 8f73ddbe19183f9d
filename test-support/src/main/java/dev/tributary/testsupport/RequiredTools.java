package dev.tributary.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The programs some tests run (Mosquitto's broker and clients, Chromium and its driver, Paho Python), found on the PATH
 * or in /usr/sbin. A missing one fails the test with one line that names the program and its Debian
 * package, instead of an exception from deep inside a client library. {@code ./tributary test} installs
 * them all before the suite runs.
 */
public final class RequiredTools {

    private static final Map<String, String> PACKAGES = Map.of(
            "mosquitto", "mosquitto",
            "mosquitto_pub", "mosquitto-clients",
            "mosquitto_sub", "mosquitto-clients",
            "mosquitto_rr", "mosquitto-clients",
            "mosquitto_passwd", "mosquitto",
            "chromium", "chromium",
            "chromedriver", "chromium-driver");

    private RequiredTools() {
    }

    /** The absolute path of {@code program}; fails the calling test when it is not installed. */
    public static String path(String program) {
        Path found = find(program);
        if (found == null) {
            String pkg = PACKAGES.getOrDefault(program, program);
            throw new AssertionError("this test needs " + program + " (Debian package " + pkg + "), which is not installed: "
                    + "run the tests with ./tributary test, which installs it, or apt-get install " + pkg);
        }
        return found.toString();
    }

    /**
     * Debian's Python 3 with Debian's Eclipse Paho module (python3-paho-mqtt); fails the calling test naming the
     * package when either is missing. Debian's own interpreter, not another Python on the PATH, which would not see
     * Debian's module.
     */
    public static String pythonWithPaho() {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python) || !Files.isRegularFile(Path.of("/usr/lib/python3/dist-packages/paho/mqtt/client.py"))) {
            throw new AssertionError("this test needs Debian's python3 with Eclipse Paho (Debian package python3-paho-mqtt),"
                    + " which is not installed: run the tests with ./tributary test, which installs it, or apt-get install"
                    + " python3-paho-mqtt");
        }
        return python.toString();
    }

    /** Whether {@code program} is installed. */
    public static boolean installed(String program) {
        return find(program) != null;
    }

    private static Path find(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
