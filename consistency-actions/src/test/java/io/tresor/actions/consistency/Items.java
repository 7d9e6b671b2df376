package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tresor.plugin.api.BackupItemRequest;

/** Requests as Velero sends them: the item JSON as read from the API server and the Backup object. */
final class Items {
  static final ObjectMapper JSON = new ObjectMapper();

  private Items() {}

  /** A velero.io/v1 Backup in progress (apiVersion/kind absent, as Velero may send it). */
  static String backup(String name, String extraSpec) {
    return """
        {"metadata":{"name":"%s","namespace":"openshift-adp","uid":"5f1c2a9e-7d1b-4c3e-9a55-0c7d2b1e4f10",
          "labels":{"velero.io/storage-location":"shop-sse-c","openshift.io/oadp-nab-origin-name":"nightly"}},
         "spec":{"includedNamespaces":["shop"],"storageLocation":"shop-sse-c","ttl":"720h0m0s",
          "csiSnapshotTimeout":"10m0s","itemOperationTimeout":"4h0m0s"%s},
         "status":{"phase":"InProgress","version":1,"startTimestamp":"2026-12-01T20:00:00Z"}}
        """.formatted(name, extraSpec);
  }

  static ObjectNode tree(Object kubernetesObject) throws Exception {
    return (ObjectNode) JSON.readTree(Serialization.asJson(kubernetesObject));
  }

  static BackupItemRequest request(ObjectNode item, String backupJson) {
    return new BackupItemRequest(item, () -> {
      try {
        return (ObjectNode) JSON.readTree(backupJson);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
