package io.tresor.plugin.velero;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.tresor.plugin.api.ActionException;

import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON of items, backups and restores as they travel in Velero's requests and responses. */
public final class ItemJson {
    /** Shared, thread-safe mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ItemJson() {
    }

    /** Parses a JSON object; {@code what} names the request field for the error message. */
    public static ObjectNode parseObject(ByteString bytes, String what) throws ActionException {
        if (bytes.isEmpty()) {
            throw new ActionException("request field '" + what + "' is empty; Velero sends the object as JSON");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes.newInput());
        } catch (IOException e) {
            throw new ActionException("request field '" + what + "' is not valid JSON: " + firstLine(e));
        }
        if (node == null || !node.isObject()) {
            throw new ActionException("request field '" + what + "' must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    /** Like {@link #parseObject} for lazily read fields: an invalid document becomes an unchecked error. */
    public static ObjectNode parseLazily(ByteString bytes, String what) {
        try {
            return bytes.isEmpty() ? MAPPER.createObjectNode() : parseObject(bytes, what);
        } catch (ActionException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Serialises an item returned by an action; Velero decodes it as unstructured and needs a kind. */
    public static ByteString serializeItem(ObjectNode item, String pluginName) throws ActionException {
        JsonNode kind = item.get("kind");
        if (kind == null || !kind.isTextual() || kind.asText().isEmpty()) {
            throw new ActionException("plugin " + pluginName
                    + " returned an item without 'kind'; Velero would reject it with \"Object 'Kind' is missing\"");
        }
        try {
            return ByteString.copyFrom(MAPPER.writeValueAsBytes(item));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
