package dev.tributary.ingest.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed required fields of a JSON object, written {@code name:type} with type {@code string},
 * {@code number}, {@code integer}, {@code boolean}, {@code object} or {@code array}: the simple
 * alternative to a JSON Schema.
 */
final class RequiredFields implements PayloadCheck {

    enum Type {
        STRING, NUMBER, INTEGER, BOOLEAN, OBJECT, ARRAY;

        boolean accepts(JsonNode node) {
            return switch (this) {
                case STRING -> node.isTextual();
                case NUMBER -> node.isNumber();
                // 12.0 is an integer in JSON Schema's sense too
                case INTEGER -> node.isIntegralNumber() || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()));
                case BOOLEAN -> node.isBoolean();
                case OBJECT -> node.isObject();
                case ARRAY -> node.isArray();
            };
        }
    }

    private record Field(String name, Type type) {
    }

    private final List<Field> fields;

    private RequiredFields(List<Field> fields) {
        this.fields = fields;
    }

    /** Parses {@code name:type} entries; the exception's message says which entry is wrong and why. */
    static RequiredFields parse(List<String> entries) {
        List<Field> fields = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry + "' is not name:type");
            }
            String typeName = entry.substring(colon + 1).strip().toUpperCase(Locale.ROOT);
            Type type;
            try {
                type = Type.valueOf(typeName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + entry + "': the type must be one of string, number, integer, boolean, object, array");
            }
            fields.add(new Field(entry.substring(0, colon).strip(), type));
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("no fields given");
        }
        return new RequiredFields(List.copyOf(fields));
    }

    @Override
    public String problem(JsonNode payload) {
        if (!payload.isObject()) {
            return "not a JSON object";
        }
        for (Field field : fields) {
            JsonNode value = payload.get(field.name());
            if (value == null || value.isNull()) {
                return "required field '" + field.name() + "' is missing";
            }
            if (!field.type().accepts(value)) {
                return "field '" + field.name() + "' is not of type " + field.type().name().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
