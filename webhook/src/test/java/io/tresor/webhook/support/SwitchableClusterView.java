package io.tresor.webhook.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.DpaFacts;
import io.tresor.webhook.policy.SecretFacts;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A cluster view whose state a test replaces between groups of cases, so one server serves them all. */
public final class SwitchableClusterView implements ClusterView {

    private final AtomicReference<ClusterView> current;

    public SwitchableClusterView(ClusterView initial) {
        current = new AtomicReference<>(initial);
    }

    public void use(ClusterView view) {
        current.set(view);
    }

    @Override
    public Optional<JsonNode> nonAdminBackupStorageLocation(String namespace, String name) {
        return current.get().nonAdminBackupStorageLocation(namespace, name);
    }

    @Override
    public List<JsonNode> nonAdminBackupStorageLocations(String namespace) {
        return current.get().nonAdminBackupStorageLocations(namespace);
    }

    @Override
    public Optional<JsonNode> nonAdminBackup(String namespace, String name) {
        return current.get().nonAdminBackup(namespace, name);
    }

    @Override
    public Optional<JsonNode> backupStorageLocation(String name) {
        return current.get().backupStorageLocation(name);
    }

    @Override
    public Optional<JsonNode> defaultBackupStorageLocation() {
        return current.get().defaultBackupStorageLocation();
    }

    @Override
    public Optional<JsonNode> veleroBackup(String name) {
        return current.get().veleroBackup(name);
    }

    @Override
    public Optional<SecretFacts> secret(String namespace, String name) {
        return current.get().secret(namespace, name);
    }

    @Override
    public DpaFacts dpa() {
        return current.get().dpa();
    }
}
