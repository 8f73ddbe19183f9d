package dev.tributary.auth.api;

import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.jboss.logging.Logger;

import dev.tributary.auth.Problem;

/** A {@link Problem} becomes its HTTP status with {"error": reason}. */
@Provider
public class ProblemMapper implements ExceptionMapper<Problem> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Override
    public Response toResponse(Problem problem) {
        int status = switch (problem.kind()) {
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case THROTTLED -> 429;
            case UNAVAILABLE -> 503;
        };
        if (status == 503) {
            LOG.warn(problem.getMessage());
        }
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", problem.getMessage()));
        if (problem.retryAfterSeconds() > 0) {
            response.header("Retry-After", problem.retryAfterSeconds());
        }
        return response.build();
    }
}
