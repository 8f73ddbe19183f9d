package dev.tributary.edge.transport;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Unix domain socket listener (Mosquitto's {@code listener 0 /path}); {@code path} null turns it off.
 *
 * @param permissions  set on the socket file right after it is made: who may connect at all
 * @param peerUsers    the user a peer's uid connects as, without a password (SO_PEERCRED; needs epoll)
 */
public record UnixSocket(Path path, Set<PosixFilePermission> permissions, Map<Integer, String> peerUsers) {

    public static final UnixSocket OFF = new UnixSocket(null, Set.of(), Map.of());

    public boolean enabled() {
        return path != null;
    }

    /**
     * The settings from {@code tributary.edge.unix-socket} (blank: off), {@code -permissions} and {@code -peer-users},
     * checked now so a typo stops the node at start-up naming its key.
     */
    public static UnixSocket parse(String path, String permissions, List<String> peerUsers) {
        if (path.isBlank()) {
            return OFF;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = PosixFilePermissions.fromString(permissions);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tributary.edge.unix-socket-permissions must look like rw-rw----, not '"
                    + permissions + "'");
        }
        Map<Integer, String> users = new HashMap<>();
        for (String pair : peerUsers) {
            int colon = pair.indexOf(':');
            try {
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw new NumberFormatException();
                }
                users.put(Integer.parseInt(pair.substring(0, colon).trim()), pair.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tributary.edge.unix-socket-peer-users takes uid:user pairs, not '" + pair + "'");
            }
        }
        return new UnixSocket(Path.of(path), mode, Map.copyOf(users));
    }
}
