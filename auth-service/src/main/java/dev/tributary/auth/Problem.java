package dev.tributary.auth;

/** A request the service cannot carry out, with the kind of reason; the REST layer maps it to a status. */
public final class Problem extends RuntimeException {

    public enum Kind { BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, CONFLICT, THROTTLED, UNAVAILABLE }

    private final Kind kind;
    private long retryAfterSeconds;

    public Problem(Kind kind, String message) {
        this(kind, message, null);
    }

    public Problem(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** 429: try again after this many seconds (the Retry-After header). */
    public static Problem throttled(String message, long retryAfterSeconds) {
        Problem problem = new Problem(Kind.THROTTLED, message);
        problem.retryAfterSeconds = retryAfterSeconds;
        return problem;
    }

    /** For THROTTLED: seconds until a new attempt may succeed; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static Problem badRequest(String message) {
        return new Problem(Kind.BAD_REQUEST, message);
    }

    public static Problem notFound(String message) {
        return new Problem(Kind.NOT_FOUND, message);
    }
}
