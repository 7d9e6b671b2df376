package io.tresor.webhook.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.webhook.cluster.SnapshotClusterView;
import io.tresor.webhook.policy.PolicyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One table case from {@code reviews/{deny,allow}/*.json}: a real AdmissionReview and what must come back. */
public record ReviewCase(String name, String endpoint, JsonNode policy, ArrayNode clusterExtra, JsonNode expect,
        JsonNode review) {

    public static final ObjectMapper JSON = new ObjectMapper();

    public boolean expectAllowed() {
        return expect.path("allowed").asBoolean();
    }

    public List<String> messageWords() {
        List<String> words = new ArrayList<>();
        expect.path("messageContains").forEach(w -> words.add(w.asText()));
        return words;
    }

    public List<String> warningWords() {
        List<String> words = new ArrayList<>();
        expect.path("warningsContain").forEach(w -> words.add(w.asText()));
        return words;
    }

    /** The expected JSONPatch, or null when none may be returned. */
    public JsonNode expectedPatch() {
        JsonNode patch = expect.path("patch");
        return patch.isArray() ? patch : null;
    }

    public PolicyConfig policyConfig() {
        return JSON.convertValue(policy, PolicyConfig.class);
    }

    /** The shared cluster fixture plus this case's extra objects (later objects replace earlier ones). */
    public JsonNode cluster() {
        ObjectNode list = ((ObjectNode) readResource("reviews/cluster.json")).deepCopy();
        ((ArrayNode) list.get("items")).addAll(clusterExtra);
        return list;
    }

    public SnapshotClusterView clusterView() {
        return new SnapshotClusterView(cluster(), policyConfig().oadpNamespace());
    }

    /** Cases sharing a server: same policy and same cluster. */
    public String environmentKey() {
        return policy.toString() + "|" + clusterExtra.toString();
    }

    public byte[] reviewBytes() {
        try {
            return JSON.writeValueAsBytes(review);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    public static List<ReviewCase> load(String directory) {
        try {
            Path dir = Path.of(ReviewCase.class.getClassLoader().getResource("reviews/" + directory).toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.toString().endsWith(".json")).sorted().map(ReviewCase::read).toList();
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list reviews/" + directory, e);
        }
    }

    public static List<ReviewCase> all() {
        List<ReviewCase> all = new ArrayList<>(load("deny"));
        all.addAll(load("allow"));
        return all;
    }

    private static ReviewCase read(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            String name = file.getParent().getFileName() + "/" + file.getFileName().toString().replace(".json", "");
            return new ReviewCase(name, root.path("endpoint").asText("validate"), root.path("policy"),
                    (ArrayNode) root.path("cluster"), root.path("expect"), root.path("review"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    public static JsonNode readResource(String resource) {
        try (InputStream in = ReviewCase.class.getClassLoader().getResourceAsStream(resource)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
