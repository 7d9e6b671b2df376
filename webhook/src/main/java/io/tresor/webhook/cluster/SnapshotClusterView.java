package io.tresor.webhook.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.DpaFacts;
import io.tresor.webhook.policy.Fields;
import io.tresor.webhook.policy.SecretFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fixed set of cluster objects (a {@code v1 List} file), for running the webhook without a cluster: local trials,
 * the load benchmark and table tests. Secret values are reduced to their lengths and
 * credentials setting names on load.
 */
public final class SnapshotClusterView implements ClusterView {

    private final String oadpNamespace;
    private final Map<String, JsonNode> objects = new HashMap<>();
    private final Map<String, SecretFacts> secrets = new HashMap<>();
    private final DpaFacts dpa;

    public SnapshotClusterView(JsonNode list, String oadpNamespace) {
        this.oadpNamespace = oadpNamespace;
        JsonNode dpaObject = MissingNode.getInstance();
        JsonNode veleroPod = MissingNode.getInstance();
        for (JsonNode item : Fields.at(list, "items")) {
            String kind = Fields.text(item, "kind");
            String ns = Fields.text(item, "metadata", "namespace");
            String name = Fields.text(item, "metadata", "name");
            switch (kind) {
                case "Secret" -> secrets.put(ns + "/" + name, secretFacts(item));
                case "DataProtectionApplication" -> dpaObject = item;
                case "Deployment" -> veleroPod = name.equals("velero") ? Fields.at(item, "spec", "template", "spec")
                        : veleroPod;
                default -> objects.put(kind + "/" + ns + "/" + name, item);
            }
        }
        this.dpa = DpaReader.read(dpaObject, veleroPod);
    }

    public static SnapshotClusterView load(Path file, String oadpNamespace, ObjectMapper mapper) throws IOException {
        return new SnapshotClusterView(mapper.readTree(Files.readAllBytes(file)), oadpNamespace);
    }

    private static SecretFacts secretFacts(JsonNode secret) {
        Map<String, String> labels = new HashMap<>();
        Fields.at(secret, "metadata", "labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        Map<String, String> data = new HashMap<>();
        Fields.at(secret, "data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return SecretLengths.facts(labels, data);
    }

    private Optional<JsonNode> get(String kind, String namespace, String name) {
        return Optional.ofNullable(objects.get(kind + "/" + namespace + "/" + name));
    }

    @Override
    public Optional<JsonNode> nonAdminBackupStorageLocation(String namespace, String name) {
        return get("NonAdminBackupStorageLocation", namespace, name);
    }

    @Override
    public List<JsonNode> nonAdminBackupStorageLocations(String namespace) {
        List<JsonNode> out = new ArrayList<>();
        String prefix = "NonAdminBackupStorageLocation/" + namespace + "/";
        objects.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                out.add(value);
            }
        });
        return out;
    }

    @Override
    public Optional<JsonNode> nonAdminBackup(String namespace, String name) {
        return get("NonAdminBackup", namespace, name);
    }

    @Override
    public Optional<JsonNode> backupStorageLocation(String name) {
        return get("BackupStorageLocation", oadpNamespace, name);
    }

    @Override
    public Optional<JsonNode> defaultBackupStorageLocation() {
        String prefix = "BackupStorageLocation/" + oadpNamespace + "/";
        return objects.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && Fields.isTrue(e.getValue(), "spec", "default"))
                .map(Map.Entry::getValue).findFirst();
    }

    @Override
    public Optional<JsonNode> veleroBackup(String name) {
        return get("Backup", oadpNamespace, name);
    }

    @Override
    public Optional<SecretFacts> secret(String namespace, String name) {
        return Optional.ofNullable(secrets.get(namespace + "/" + name));
    }

    @Override
    public DpaFacts dpa() {
        return dpa;
    }
}
