package dev.tributary.fleet.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Command-line options of the fleet simulator, with their defaults.
 *
 * @param ports the broker's port, or the ports of several edges on one host: vehicle i connects to the
 *        ((i-1) mod n)-th of the n ports
 */
record SimulatorOptions(String host, List<Integer> ports, boolean webSocket, String webSocketPath, int vehicles, Duration interval,
        int qos, String username, String password, String idPrefix, Path credentials) {

    static final String USAGE = """
            usage: fleet [options]
              --host H           broker host (127.0.0.1)
              --port P[,P...]    broker port (1883, or 9001 with --websocket); several ports spread the
                                 vehicles over them: vehicle i on the ((i-1) mod n)+1-th of n ports
              --websocket        connect over MQTT/WebSocket instead of TCP
              --ws-path PATH     WebSocket path (/mqtt)
              --vehicles N       number of vehicles (10)
              --interval SEC     seconds between two telemetry messages of a vehicle (1)
              --qos Q            QoS of telemetry, 0 or 1 (1)
              --username U       MQTT user name (none)
              --password P       MQTT password (none)
              --credentials F    a properties file of <vehicle id>=<password>: each vehicle logs in as
                                 itself (user name = its id), as auth-service's devices do
              --prefix X         vehicle ids are X1, X2, ... (v)
            """;

    static SimulatorOptions parse(String... args) {
        String host = "127.0.0.1";
        List<Integer> ports = null;
        boolean webSocket = false;
        String path = "/mqtt";
        int vehicles = 10;
        double interval = 1;
        int qos = 1;
        String username = null;
        String password = null;
        String prefix = "v";
        Path credentials = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--websocket" -> webSocket = true;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--host" -> host = value;
                        case "--port" -> ports = Arrays.stream(value.split(",")).map(p -> Integer.parseInt(p.strip())).toList();
                        case "--ws-path" -> path = value;
                        case "--vehicles" -> vehicles = Integer.parseInt(value);
                        case "--interval" -> interval = Double.parseDouble(value);
                        case "--qos" -> qos = Integer.parseInt(value);
                        case "--username" -> username = value;
                        case "--password" -> password = value;
                        case "--prefix" -> prefix = value;
                        case "--credentials" -> credentials = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
                    }
                }
            }
        }
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("--qos must be 0 or 1");
        }
        if (vehicles < 1 || interval <= 0) {
            throw new IllegalArgumentException("--vehicles must be at least 1 and --interval positive");
        }
        return new SimulatorOptions(host, ports != null ? ports : List.of(webSocket ? 9001 : 1883), webSocket, path, vehicles,
                Duration.ofMillis((long) (interval * 1000)), qos, username, password, prefix, credentials);
    }

    /** The port vehicle {@code i} (from 1) connects to. */
    int port(int vehicle) {
        return ports.get((vehicle - 1) % ports.size());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d vehicles → %s://%s:%s%s every %.1f s at QoS %d", vehicles,
                webSocket ? "ws" : "mqtt", host, ports.stream().map(String::valueOf).collect(Collectors.joining(",")),
                webSocket ? webSocketPath : "", interval.toMillis() / 1000.0, qos);
    }
}
