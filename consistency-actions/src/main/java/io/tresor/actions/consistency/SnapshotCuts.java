package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the storage cut a VolumeSnapshot: its bound VolumeSnapshotContent's {@code status.creationTime} (nanoseconds),
 * else the VolumeSnapshot's own {@code status.creationTime} (seconds only). Never fails: a content that cannot be
 * read is a log line and the snapshot's own time is used.
 */
final class SnapshotCuts {
  static final ResourceDefinitionContext CONTENTS = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotContent")
      .withPlural("volumesnapshotcontents").withNamespaced(false).build();
  static final ResourceDefinitionContext SNAPSHOTS = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
      .withPlural("volumesnapshots").withNamespaced(true).build();
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCuts.class);

  private final Supplier<KubernetesClient> kube;

  SnapshotCuts(Supplier<KubernetesClient> kube) {
    this.kube = kube;
  }

  /**
   * The VolumeSnapshot as stored, for an action whose item is not the snapshot; empty when it is gone or cannot be
   * read (a debug line: the verdict then stays the agent's record alone).
   */
  Optional<ObjectNode> snapshot(String namespace, String name) {
    try {
      GenericKubernetesResource vs = kube.get().genericKubernetesResources(SNAPSHOTS).inNamespace(namespace)
          .withName(name).get();
      if (vs != null) {
        return Optional.of(Serialization.jsonMapper().valueToTree(vs));
      }
      LOG.atDebug().addKeyValue("namespace", namespace).addKeyValue("name", name)
          .log("VolumeSnapshot {}/{} was not found; its cut time is not known", namespace, name);
    } catch (KubernetesClientException e) {
      LOG.atDebug().addKeyValue("namespace", namespace).addKeyValue("name", name)
          .log("VolumeSnapshot {}/{} could not be read ({}); its cut time is not known", namespace, name,
              e.getMessage());
    }
    return Optional.empty();
  }

  /** The cut time of the VolumeSnapshot item; empty when neither object reports one. */
  Optional<CutTime> of(ObjectNode vs) {
    String namespace = Json.text(vs, "metadata", "namespace");
    String name = Json.text(vs, "metadata", "name");
    String content = Json.text(vs, "status", "boundVolumeSnapshotContentName");
    if (!content.isEmpty()) {
      try {
        Optional<CutTime> cut = fromContent(content, namespace, name);
        if (cut.isPresent()) {
          return cut;
        }
      } catch (KubernetesClientException e) {
        // the verdict still has the snapshot's second; a content Velero's account cannot read is worth one line
        LOG.atWarn().addKeyValue("namespace", namespace).addKeyValue("name", name)
            .log("tresor could not read VolumeSnapshotContent {} of VolumeSnapshot {}/{} to learn when the storage"
                + " cut it ({}); the consistency verdict uses the snapshot's own creationTime, known to the second",
                content, namespace, name, e.getMessage());
      }
    }
    String created = Json.text(vs, "status", "creationTime");
    if (created.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(CutTime.ofSnapshotTime(created));
    } catch (IllegalArgumentException e) {
      LOG.atDebug().addKeyValue("namespace", namespace).addKeyValue("name", name)
          .log("VolumeSnapshot {}/{}: {}; its cut time is not known", namespace, name, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<CutTime> fromContent(String content, String namespace, String name) {
    GenericKubernetesResource vsc = kube.get().genericKubernetesResources(CONTENTS).withName(content).get();
    Object status = vsc == null ? null : vsc.getAdditionalProperties().get("status");
    Object created = status instanceof Map ? ((Map<?, ?>) status).get("creationTime") : null;
    // an int64 in the API; JSON decoding makes it an Integer, Long or BigInteger depending on its size
    if (created instanceof Number) {
      return Optional.of(CutTime.ofContentNanos(((Number) created).longValue()));
    }
    LOG.atDebug().addKeyValue("namespace", namespace).addKeyValue("name", name)
        .log("VolumeSnapshotContent {} of VolumeSnapshot {}/{} {}; using the snapshot's own creationTime, known to"
            + " the second", content, namespace, name, vsc == null ? "was not found" : "has no status.creationTime");
    return Optional.empty();
  }
}
