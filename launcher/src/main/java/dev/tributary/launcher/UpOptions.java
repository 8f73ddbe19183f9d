package dev.tributary.launcher;

/** The options of {@code ./tributary up}. */
record UpOptions(int edges, int kafkaBrokers) {

    static final String USAGE = """
            usage: ./tributary up [--edges N] [--kafka-brokers 1|3]
              --edges N           edge nodes on this machine, 1 to %d (1); edge k listens on MQTT 1883+k-1,
                                  TLS 8883+k-1, WebSocket 9001+k-1 and HTTP 8081+10(k-1)
              --kafka-brokers B   1: a single Kafka broker (data/kafka); 3: a three-broker KRaft cluster
                                  (data/kafka-1..3) with replication factor 3 and min.insync.replicas 2
            """.formatted(EdgePorts.MAX_EDGES);

    static UpOptions parse(String... args) {
        int edges = 1;
        int brokers = 1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!arg.equals("--edges") && !arg.equals("--kafka-brokers")) {
                throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
            }
            int value = number(arg, args[++i]);
            if (arg.equals("--edges")) {
                if (value < 1 || value > EdgePorts.MAX_EDGES) {
                    throw new IllegalArgumentException("--edges must be between 1 and " + EdgePorts.MAX_EDGES);
                }
                edges = value;
            } else {
                // two brokers could not lose one (min.insync.replicas 2), more than three add nothing on one machine
                if (value != 1 && value != 3) {
                    throw new IllegalArgumentException("--kafka-brokers must be 1 or 3");
                }
                brokers = value;
            }
        }
        return new UpOptions(edges, brokers);
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not " + value);
        }
    }
}
