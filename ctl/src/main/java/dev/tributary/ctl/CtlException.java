package dev.tributary.ctl;

/** A failure the CLI reports as one line on stderr and its exit code (see {@link Ctl}). */
public final class CtlException extends RuntimeException {

    private final int exitCode;

    public CtlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
