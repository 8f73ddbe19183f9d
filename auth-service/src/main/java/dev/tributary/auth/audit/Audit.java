package dev.tributary.auth.audit;

import java.util.List;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.tributary.common.log.Untrusted;

/**
 * One log line per change, on its own category ({@code tributary.audit}) so it can be routed to an
 * audit sink: who did it, what, to which principal or rule set. Never a password or token. The actor and
 * the target are names a request chose, so they are quoted ({@link Untrusted}): a name cannot forge a
 * second audit line or hide text.
 */
public final class Audit {

    private static final Logger LOG = Logger.getLogger("tributary.audit");

    private Audit() {
    }

    /** {@code detail} is written as it is: callers quote any name in it ({@link #names}). */
    public static void log(String actor, String action, String target, String detail) {
        LOG.infof("audit actor=%s action=%s target=%s%s", Untrusted.quote(actor), action, Untrusted.quote(target),
                detail == null || detail.isEmpty() ? "" : " " + detail);
    }

    /** Names (e.g. groups) for a detail: each quoted, in brackets. */
    public static String names(List<String> names) {
        return names == null ? "[]" : names.stream().map(Untrusted::quote).collect(Collectors.joining(",", "[", "]"));
    }
}
