package io.tresor.actions.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tresor.imagearchive.s3.ArchiveStoreException;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.S3Network;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.plugin.api.ActionException;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Opens the image archive of a Velero backup: its BackupStorageLocation ({@code spec.storageLocation}, in the
 * Backup's namespace = Velero's), the credential Secret and the SSE-C key (a Secret via
 * {@code customerKeyEncryptionSecret}, or {@code customerKeyEncryptionFile}). Key bytes never leave this class
 * except into the store.
 */
public final class ArchiveStores {
    private final KubernetesClient client;
    private final S3Network network;

    /** Stores reached directly, trusting the JDK's roots (and each location's {@code caCert}). */
    public ArchiveStores(KubernetesClient client) {
        this(client, S3Network.direct());
    }

    /** @param network proxy and trust for the S3 endpoints (see {@link ArchiveNetwork#fromEnvironment}) */
    public ArchiveStores(KubernetesClient client, S3Network network) {
        this.client = client;
        this.network = network;
    }

    /** The store of the location a Backup object names. */
    public S3BlobStore forBackup(ObjectNode backup) throws ActionException {
        return open(backup.path("metadata").path("namespace").asText(""), locationOf(backup));
    }

    /** The storage location a Backup object names, read from the cluster. */
    public StorageLocation locationOf(ObjectNode backup) throws ActionException {
        String namespace = backup.path("metadata").path("namespace").asText("");
        String backupName = backup.path("metadata").path("name").asText("");
        String location = backup.path("spec").path("storageLocation").asText("");
        if (namespace.isEmpty() || location.isEmpty()) {
            throw new ActionException("backup " + namespace + "/" + backupName + " names no spec.storageLocation: "
                    + "tresor archives images only into the backup's own storage location");
        }
        return read(namespace, location);
    }

    private StorageLocation read(String namespace, String name) throws ActionException {
        ObjectNode bsl;
        try {
            bsl = ApiResources.get(client, ApiResources.STORAGE_LOCATION, namespace, name).orElseThrow(() -> new ActionException(
                    "BackupStorageLocation " + namespace + "/" + name + " does not exist: images cannot be archived or restored"));
        } catch (KubernetesClientException e) {
            throw new ActionException("BackupStorageLocation " + namespace + "/" + name + " cannot be read: " + e.getMessage()
                    + " (the Velero service account needs get on backupstoragelocations)", e);
        }
        try {
            return StorageLocation.fromTree(bsl);
        } catch (IllegalArgumentException e) {
            throw new ActionException(e.getMessage(), e);
        }
    }

    /** The store of {@code location} (a BackupStorageLocation in {@code namespace}); it must name an SSE-C key. */
    public S3BlobStore open(String namespace, StorageLocation location) throws ActionException {
        try {
            location.requireCustomerKey();
        } catch (IllegalArgumentException e) {
            throw new ActionException(e.getMessage(), e);
        }
        byte[] credentials = location.credentialSecretName() == null ? null
                : secretValue(namespace, location.credentialSecretName(), location.credentialSecretKey(), "spec.credential");
        SseCustomerKeySource key;
        if (location.customerKeyEncryptionSecret() != null) {
            String[] ref = location.customerKeySecretRef().orElseThrow();
            byte[] raw = secretValue(namespace, ref[0], ref[1], "config.customerKeyEncryptionSecret");
            key = SseCustomerKeySource.ofSecretValue(namespace, ref[0], ref[1], raw);
        } else {
            key = SseCustomerKeySource.ofFile(Path.of(location.customerKeyEncryptionFile()));
        }
        try {
            return S3BlobStore.open(location, key, credentials, network);
        } catch (ArchiveStoreException | IllegalArgumentException e) {
            throw new ActionException(e.getMessage(), e);
        }
    }

    private byte[] secretValue(String namespace, String secret, String key, String field) throws ActionException {
        Secret s;
        try {
            s = client.secrets().inNamespace(namespace).withName(secret).get();
        } catch (KubernetesClientException e) {
            throw new ActionException("secret " + namespace + "/" + secret + " (" + field + ") cannot be read: " + e.getMessage(), e);
        }
        if (s == null) {
            throw new ActionException("secret " + namespace + "/" + secret + " named by the storage location's " + field
                    + " does not exist: create it or fix " + field);
        }
        String value = s.getData() == null ? null : s.getData().get(key);
        if (value == null) {
            JsonNode string = ApiResources.tree(s).path("stringData").path(key);
            if (string.isTextual()) {
                return string.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new ActionException("secret " + namespace + "/" + secret + " has no key '" + key + "' (named by the storage "
                    + "location's " + field + "): add it or fix " + field);
        }
        return Base64.getDecoder().decode(value);
    }
}
