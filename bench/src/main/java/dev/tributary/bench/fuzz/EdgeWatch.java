package dev.tributary.bench.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.tributary.testsupport.ControlClient;
import dev.tributary.testsupport.ProcessMemory;

/**
 * Whether the edge under attack is still there: its process (when it runs on this machine), its
 * liveness check (when its HTTP port is known), and a control client's CONNECT, answered with a
 * CONNACK in time.
 */
final class EdgeWatch {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String host;
    private final int port;
    private final long pid;
    private final int httpPort;
    private final byte[] controlConnect;

    EdgeWatch(String host, int port, long pid, int httpPort, byte[] controlConnect) {
        this.host = host;
        this.port = port;
        this.pid = pid;
        this.httpPort = httpPort;
        this.controlConnect = controlConnect;
    }

    long pid() {
        return pid;
    }

    /** Resident memory in KiB, or -1 when the edge's process is not known (another machine) or gone. */
    long rssKib() {
        return pid < 0 ? -1 : ProcessMemory.rssKib(pid);
    }

    /** Null while the edge serves, else what is wrong with it; {@code latencies} gets the control CONNECT's latency. */
    String problem(List<Duration> latencies) {
        if (pid >= 0 && !ProcessMemory.alive(pid)) {
            return "the edge's process " + pid + " is gone";
        }
        String last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                ControlClient.Answer answer = ControlClient.connect(host, port, null, controlConnect, Duration.ofSeconds(5));
                synchronized (latencies) {
                    latencies.add(answer.latency());
                }
                last = null;
                break;
            } catch (IOException e) {
                last = "no CONNACK for a control client: " + e;
            }
        }
        if (last != null) {
            return last;
        }
        if (httpPort > 0) {
            try {
                int status = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + "/q/health/live"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    return "liveness check answered " + status;
                }
            } catch (IOException e) {
                return "liveness check failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return null;
    }

    /**
     * The process listening on TCP {@code port} of this machine, from the kernel's socket tables
     * (/proc/net/tcp, tcp6: the listening socket's inode) and the processes' open files (/proc/PID/fd:
     * the one holding that socket); -1 when none of this user's processes does.
     */
    static long pidListeningOn(int port) {
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ... inode; st 0A = LISTEN
                    if (f.length > 9 && f[1].contains(":") && f[3].equals("0A")
                            && Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port) {
                        inode = f[9];
                    }
                }
            } catch (IOException | NumberFormatException unreadable) {
                // no such table (no IPv6) or a line of another shape
            }
        }
        if (inode == null) {
            return -1;
        }
        String socket = "socket:[" + inode + "]";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(socket)) {
                                return Long.parseLong(name);
                            }
                        } catch (IOException closedMeanwhile) {
                            // the file was closed while we looked
                        }
                    }
                } catch (IOException notOurs) {
                    // another user's process, or one that ended
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
