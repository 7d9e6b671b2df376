package io.tresor.webhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Null-safe reads of Kubernetes object fields from JSON trees. */
public final class Fields {

    /** What Go's {@code strconv.ParseBool} reads as false, plus "" that the Go plugins treat as unset. */
    private static final Set<String> GO_FALSE = Set.of("", "0", "f", "F", "false", "FALSE", "False");

    private Fields() {
    }

    /** The node at the path, or a missing node. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node == null ? MissingNode.getInstance() : node;
        for (String step : path) {
            current = current.path(step);
        }
        return current;
    }

    /** The text at the path, or "" when absent, null or not a scalar. */
    public static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    /** True only for a JSON {@code true} or the string "true" (BSL config values are strings). */
    public static boolean isTrue(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isBoolean() ? value.booleanValue() : value.isTextual() && value.asText().trim().equalsIgnoreCase("true");
    }

    /**
     * True unless the field is absent, null, "" or a value Go's {@code strconv.ParseBool} reads as false. The Velero AWS
     * plugin and Kopia parse BSL config strings that way ("1", "t", "TRUE" are true there), so a security switch is
     * treated as on for every other value (fail closed).
     */
    public static boolean notGoFalse(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return !GO_FALSE.contains(value.asText());
    }

    /** True when the field holds something other than null, "", [], {} or false. */
    public static boolean isSet(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (value.isContainerNode()) {
            return !value.isEmpty();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return !value.asText().isEmpty();
    }

    /** The string items of an array field (non-strings are rendered as JSON text). */
    public static List<String> strings(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        List<String> out = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(item -> out.add(item.isTextual() ? item.asText() : item.toString()));
        }
        return out;
    }

    /** The label value, or "" when absent. */
    public static String label(JsonNode object, String key) {
        return text(object, "metadata", "labels", key);
    }

    /** The annotation value, or "" when absent. */
    public static String annotation(JsonNode object, String key) {
        return text(object, "metadata", "annotations", key);
    }
}
