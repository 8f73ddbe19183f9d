package dev.tributary.auth.audit;

import org.jboss.logging.Logger;

/**
 * One log line per change, on its own category ({@code tributary.audit}) so it can be routed to an
 * audit sink: who did it, what, to which principal or rule set. Never a password or token.
 */
public final class Audit {

    private static final Logger LOG = Logger.getLogger("tributary.audit");

    private Audit() {
    }

    public static void log(String actor, String action, String target, String detail) {
        LOG.infof("audit actor=%s action=%s target=%s%s", actor, action, target,
                detail == null || detail.isEmpty() ? "" : " " + detail);
    }
}
