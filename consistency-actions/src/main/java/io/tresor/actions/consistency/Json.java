package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reading and annotating the unstructured objects Velero sends. */
final class Json {
  private Json() {}

  /** The text at a path of field names, or "" when absent. */
  static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isValueNode() ? n.asText() : "";
  }

  static boolean flag(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.asBoolean(false);
  }

  /** Sets an annotation, creating metadata.annotations when needed. */
  static void annotate(ObjectNode item, String key, String value) {
    ObjectNode metadata = item.has("metadata") && item.get("metadata").isObject()
        ? (ObjectNode) item.get("metadata") : item.putObject("metadata");
    ObjectNode annotations = metadata.has("annotations") && metadata.get("annotations").isObject()
        ? (ObjectNode) metadata.get("annotations") : metadata.putObject("annotations");
    annotations.put(key, value);
  }
}
