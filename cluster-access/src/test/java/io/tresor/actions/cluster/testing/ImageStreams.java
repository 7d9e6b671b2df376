package io.tresor.actions.cluster.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Realistic ImageStream, Backup and Restore objects as Velero hands them to the actions. */
public final class ImageStreams {
    private ImageStreams() {
    }

    /** One {@code status.tags[].items[]} entry. */
    public record Item(String dockerImageReference, String image, String created) {
    }

    /**
     * An ImageStream as the API server returns it: spec tags for every status tag (plus a reference tag to an external
     * image), lookupPolicy, labels, and the status history given newest first.
     */
    public static ObjectNode imageStream(String namespace, String name, String registryHost, Map<String, List<Item>> history) {
        ObjectNode is = ClusterFixture.json("""
                {"apiVersion":"image.openshift.io/v1","kind":"ImageStream",
                 "metadata":{"name":"%s","namespace":"%s","uid":"6a1f9c7e-1b1e-4c55-9a43-0b6f3c1f2d10","resourceVersion":"48211",
                   "generation":3,"creationTimestamp":"2026-11-02T09:14:03Z","labels":{"app":"%s"},
                   "annotations":{"openshift.io/generated-by":"OpenShiftNewBuild"}},
                 "spec":{"lookupPolicy":{"local":true},"tags":[
                   {"name":"upstream","from":{"kind":"DockerImage","name":"quay.io/tenant/base:1.2"},"reference":true,
                    "referencePolicy":{"type":"Source"},"importPolicy":{"importMode":"Legacy"}}]},
                 "status":{"dockerImageRepository":"%s/%s/%s","tags":[]}}
                """.formatted(name, namespace, name, registryHost, namespace, name));
        ArrayNode tags = is.withObjectProperty("status").withArrayProperty("tags");
        history.forEach((tag, items) -> {
            ObjectNode t = tags.addObject().put("tag", tag);
            ArrayNode list = t.putArray("items");
            for (Item i : items) {
                list.addObject().put("created", i.created()).put("dockerImageReference", i.dockerImageReference())
                        .put("image", i.image()).put("generation", 1);
            }
        });
        return is;
    }

    /** A Backup of {@code namespace} as Velero sends it (no apiVersion/kind). */
    public static ObjectNode backup(String name, String namespace) {
        return ClusterFixture.json("""
                {"metadata":{"name":"%s","namespace":"%s","uid":"0d8b0f7e-3c1e-4a55-b1f2-9d5e6c7a8b90",
                  "labels":{"velero.io/storage-location":"%s"}},
                 "spec":{"includedNamespaces":["%s"],"storageLocation":"%s","ttl":"720h0m0s",
                  "defaultVolumesToFsBackup":false,"itemOperationTimeout":"4h0m0s"},
                 "status":{"phase":"InProgress","version":1,"formatVersion":"1.1.0","startTimestamp":"2026-12-01T19:00:00Z"}}
                """.formatted(name, ClusterFixture.VELERO_NAMESPACE, ClusterFixture.LOCATION, namespace, ClusterFixture.LOCATION));
    }

    /** The Backup as stored in the cluster (with apiVersion/kind), for restore's lookup. */
    public static ObjectNode storedBackup(String name, String namespace) {
        ObjectNode b = backup(name, namespace);
        b.put("apiVersion", "velero.io/v1").put("kind", "Backup");
        b.withObjectProperty("status").put("phase", "Completed");
        return b;
    }

    /** A Restore of {@code backup} mapping {@code from} to {@code to} (no mapping when they are equal). */
    public static ObjectNode restore(String name, String backup, String from, String to) {
        ObjectNode r = ClusterFixture.json("""
                {"apiVersion":"velero.io/v1","kind":"Restore",
                 "metadata":{"name":"%s","namespace":"%s","uid":"4c3b2a19-0000-4e5f-8a7b-6c5d4e3f2a1b"},
                 "spec":{"backupName":"%s","includedNamespaces":["%s"],"restorePVs":true},
                 "status":{"phase":"InProgress"}}
                """.formatted(name, ClusterFixture.VELERO_NAMESPACE, backup, from));
        if (!from.equals(to)) {
            r.withObjectProperty("spec").withObjectProperty("namespaceMapping").put(from, to);
        }
        return r;
    }

    /** What Velero hands a RestoreItemAction as {@code item}: status and server-set metadata removed. */
    public static ObjectNode prepared(ObjectNode fromBackup) {
        ObjectNode item = fromBackup.deepCopy();
        item.remove("status");
        ObjectNode metadata = item.withObjectProperty("metadata");
        metadata.remove(List.of("uid", "resourceVersion", "generation", "creationTimestamp"));
        return item;
    }
}
