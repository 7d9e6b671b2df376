package io.tresor.webhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** The cluster state the policy may look at; implementations do the I/O, the policy stays pure. */
public interface ClusterView {

    Optional<JsonNode> nonAdminBackupStorageLocation(String namespace, String name);

    /** Every NonAdminBackupStorageLocation of a namespace (to find the users of a key Secret). */
    List<JsonNode> nonAdminBackupStorageLocations(String namespace);

    Optional<JsonNode> nonAdminBackup(String namespace, String name);

    /** A Velero BackupStorageLocation in the OADP namespace. */
    Optional<JsonNode> backupStorageLocation(String name);

    /** The Velero BackupStorageLocation marked {@code default: true}, if any. */
    Optional<JsonNode> defaultBackupStorageLocation();

    /** A Velero Backup in the OADP namespace. */
    Optional<JsonNode> veleroBackup(String name);

    /** Labels, value lengths and credentials setting names of one Secret, read directly (never cached). */
    Optional<SecretFacts> secret(String namespace, String name);

    DpaFacts dpa();
}
