package io.tresor.actions.consistency;

import io.tresor.plugin.VeleroPlugin;

/** Registers the consistency actions under their Velero names, sharing one lazily created cluster access. */
public final class ConsistencyActions {
  private ConsistencyActions() {}

  public static void register(VeleroPlugin.Builder plugin) {
    register(plugin, ClusterAccess.fromEnvironment());
  }

  public static void register(VeleroPlugin.Builder plugin, ClusterAccess cluster) {
    plugin.backupItemAction(VolumeSnapshotThawAction.NAME, new VolumeSnapshotThawAction(cluster))
        .backupItemAction(PodConsistencyAction.NAME, new PodConsistencyAction(cluster))
        .restoreItemAction(ConsistencyCleanupAction.NAME, new ConsistencyCleanupAction());
  }
}
