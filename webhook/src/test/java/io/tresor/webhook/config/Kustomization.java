package io.tresor.webhook.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The objects a kustomization directory under deploy/ applies (its {@code resources:}, every YAML document). */
public final class Kustomization {
    private static final YAMLMapper YAML = new YAMLMapper();

    private Kustomization() {
    }

    /** Every object of every file {@code dir/kustomization.yaml} lists under {@code resources:}. */
    public static List<JsonNode> objects(Path dir) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode resource : YAML.readTree(dir.resolve("kustomization.yaml").toFile()).path("resources")) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                    .readValues(dir.resolve(resource.asText()).toFile())) {
                docs.readAll().stream().filter(JsonNode::isObject).forEach(objects::add);
            }
        }
        return objects;
    }

    /** The one object of {@code kind} (fails unless there is exactly one). */
    public static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }
}
