package dev.tributary.ingest.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * A JSON Schema (draft 2020-12 unless the schema's {@code $schema} names another) checked with the
 * networknt validator. The schema is read once, at start.
 */
final class JsonSchemaCheck implements PayloadCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;

    private JsonSchemaCheck(Schema schema) {
        this.schema = schema;
    }

    /**
     * Loads {@code location}: {@code classpath:<resource>} or a file path; the exception's message
     * says what is wrong with it.
     */
    static JsonSchemaCheck load(String location) {
        JsonNode node;
        try (InputStream in = open(location)) {
            node = JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the JSON Schema '" + location + "': " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("'" + location + "' is not a JSON Schema (not a JSON object)");
        }
        try {
            return new JsonSchemaCheck(REGISTRY.getSchema(node));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + location + "' is not a valid JSON Schema: " + e.getMessage());
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no such resource on the class path");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    @Override
    public String problem(JsonNode payload) {
        List<Error> errors = schema.validate(payload);
        if (errors.isEmpty()) {
            return null;
        }
        // the first few say enough; a hostile payload can produce thousands
        StringBuilder reason = new StringBuilder("schema: ");
        for (int i = 0; i < Math.min(3, errors.size()); i++) {
            if (i > 0) {
                reason.append("; ");
            }
            reason.append(errors.get(i).toString());
        }
        if (errors.size() > 3) {
            reason.append("; and ").append(errors.size() - 3).append(" more");
        }
        return reason.toString();
    }
}
