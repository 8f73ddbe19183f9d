package dev.tributary.auth.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A set of IP address ranges in CIDR notation ({@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code fd00::/8})
 * or single addresses ({@code 127.0.0.1}, the same as {@code 127.0.0.1/32}), and whether an address is in one
 * of them. Only literals: a host name would make the answer depend on DNS. An IPv4 address written as an
 * IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is the IPv4 address. A range with bits set after its
 * prefix ({@code 10.0.0.1/8}) is refused as a likely typo rather than silently widened.
 */
public final class AddressRanges {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private record Range(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * @param entries ranges or addresses, each trimmed; blank ones are skipped
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static AddressRanges parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String text = entry.trim();
            if (!text.isEmpty()) {
                ranges.add(range(text));
            }
        }
        return new AddressRanges(List.copyOf(ranges));
    }

    /** Whether {@code address} (an IP literal) is in one of the ranges; false for anything that is not an IP literal. */
    public boolean contains(String address) {
        byte[] bytes = literal(address.trim());
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static Range range(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] network = literal(address);
        if (network == null) {
            throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("not a prefix length from 0 to " + bits + ": " + text);
            }
            prefix = Integer.parseInt(length);
        }
        Range range = new Range(network, prefix);
        byte[] masked = Arrays.copyOf(network, network.length);
        for (int bit = prefix; bit < bits; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        if (!Arrays.equals(masked, network)) {
            throw new IllegalArgumentException("bits set after the prefix length (did you mean "
                    + toText(masked) + "/" + prefix + "?): " + text);
        }
        return range;
    }

    /** The address's bytes (4 for IPv4, also when written IPv4-mapped; 16 for IPv6), or null when it is no literal. */
    private static byte[] literal(String text) {
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int value = Integer.parseInt(parts[i]);
                if (value > 255) {
                    return null;
                }
                bytes[i] = (byte) value;
            }
            return bytes;
        }
        if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
            return null; // never a name lookup
        }
        try {
            // with a colon, the JDK parses an IPv6 literal and never looks a name up
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String toText(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
