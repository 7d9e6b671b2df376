package io.tresor.freeze.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tresor.freeze.lease.SnapshotRef;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotWatch} with fabric8 informers, one pair per lease (a node only watches the
 * snapshots it froze for, and nothing while idle).
 *
 * <p>The VolumeSnapshot is watched by name when admission knew it, else by namespace and
 * {@code velero.io/backup-name} label, matched on its source PVC and creation after the freeze.
 * Once it names its bound content, the VolumeSnapshotContent is watched by name for
 * {@code status.snapshotHandle}. Informers list before they watch, so a handle that already
 * exists is seen too.
 */
public final class KubeSnapshotWatch implements SnapshotWatch {
  private static final Logger LOG = LoggerFactory.getLogger(KubeSnapshotWatch.class);
  public static final String BACKUP_NAME_LABEL = "velero.io/backup-name";
  static final ResourceDefinitionContext VOLUME_SNAPSHOT = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
      .withPlural("volumesnapshots").withNamespaced(true).build();
  static final ResourceDefinitionContext VOLUME_SNAPSHOT_CONTENT = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotContent")
      .withPlural("volumesnapshotcontents").withNamespaced(false).build();

  /** Where the snapshot, its content, the binding and the handle live for one kind of snapshot. */
  record Api(ResourceDefinitionContext snapshots, ResourceDefinitionContext contents, String boundField,
             String contentPrefix, String handleField, boolean bySourcePvc) {}

  static final Api SINGLE = new Api(VOLUME_SNAPSHOT, VOLUME_SNAPSHOT_CONTENT, "boundVolumeSnapshotContentName",
      "snapcontent-", "snapshotHandle", true);

  private final KubernetesClient client;
  private final Api group;

  /** @param groupSnapshotVersion version of groupsnapshot.storage.k8s.io served by the cluster, e.g. v1beta1 */
  public KubeSnapshotWatch(KubernetesClient client, String groupSnapshotVersion) {
    this.client = client;
    this.group = new Api(
        new ResourceDefinitionContext.Builder().withGroup("groupsnapshot.storage.k8s.io")
            .withVersion(groupSnapshotVersion).withKind("VolumeGroupSnapshot").withPlural("volumegroupsnapshots")
            .withNamespaced(true).build(),
        new ResourceDefinitionContext.Builder().withGroup("groupsnapshot.storage.k8s.io")
            .withVersion(groupSnapshotVersion).withKind("VolumeGroupSnapshotContent")
            .withPlural("volumegroupsnapshotcontents").withNamespaced(false).build(),
        "boundVolumeGroupSnapshotContentName", "groupsnapcontent-", "volumeGroupSnapshotHandle", false);
  }

  @Override
  public AutoCloseable follow(SnapshotRef ref, String pvc, Instant frozenAt, Listener listener) {
    Follower f = new Follower(ref.group() ? group : SINGLE, ref, pvc, frozenAt, listener);
    f.start();
    return f;
  }

  private final class Follower implements AutoCloseable {
    private final Api api;
    private final SnapshotRef ref;
    private final String pvc;
    private final Instant frozenAt;
    private final Listener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String boundUid;
    private volatile String contentName;
    private volatile SharedIndexInformer<GenericKubernetesResource> snapshots;
    private volatile SharedIndexInformer<GenericKubernetesResource> contents;

    Follower(Api api, SnapshotRef ref, String pvc, Instant frozenAt, Listener listener) {
      this.api = api;
      this.ref = ref;
      this.pvc = pvc;
      this.frozenAt = frozenAt;
      this.listener = listener;
    }

    void start() {
      var ns = client.genericKubernetesResources(api.snapshots()).inNamespace(ref.namespace());
      ResourceEventHandler<GenericKubernetesResource> handler = new Handler(this::onSnapshot, this::onSnapshotDeleted);
      if (!ref.name().isEmpty()) {
        snapshots = ns.withName(ref.name()).inform(handler);
      } else if (!ref.backupName().isEmpty()) {
        snapshots = ns.withLabel(BACKUP_NAME_LABEL, ref.backupName()).inform(handler);
      } else {
        snapshots = ns.inform(handler);
      }
      if (closed.get()) {
        snapshots.close();
      }
    }

    private synchronized void onSnapshot(GenericKubernetesResource vs) {
      LOG.debug("snapshot {} event", vs.getMetadata().getName());
      if (closed.get()) {
        return;
      }
      String uid = vs.getMetadata().getUid();
      if (boundUid == null) {
        if (!matches(vs)) {
          if (!ref.name().isEmpty() && !ref.uid().isEmpty() && ref.name().equals(vs.getMetadata().getName())) {
            listener.neverAppeared("VolumeSnapshot " + ref.name() + " has UID " + uid + ", not " + ref.uid());
          }
          return;
        }
        boundUid = uid;
        listener.found(vs.getMetadata().getName(), uid);
      } else if (!boundUid.equals(uid)) {
        return;
      }
      Map<String, Object> status = map(vs.getAdditionalProperties().get("status"));
      String error = errorMessage(status);
      if (error != null) {
        listener.failed("VolumeSnapshot failed: " + error);
        return;
      }
      // The snapshot controller names dynamically provisioned contents snapcontent-<snapshot UID>
      // (groupsnapcontent-<uid> for groups): watching that name at once saves waiting for the
      // snapshot's status to name it.
      Object bound = status.get(api.boundField());
      String name = bound instanceof String b && !b.isEmpty() ? b : api.contentPrefix() + uid;
      if (!name.equals(contentName)) {
        SharedIndexInformer<GenericKubernetesResource> previous = contents;
        contentName = name;
        contents = client.genericKubernetesResources(api.contents()).withName(name)
            .inform(new Handler(this::onContent, c -> onContentDeleted()));
        if (previous != null) {
          previous.close();
        }
        if (closed.get()) {
          contents.close();
        }
      }
    }

    private boolean matches(GenericKubernetesResource vs) {
      if (!ref.uid().isEmpty()) {
        return ref.uid().equals(vs.getMetadata().getUid());
      }
      boolean pvcMatches = !api.bySourcePvc() || sourcePvc(vs).equals(pvc);
      if (!ref.name().isEmpty()) {
        return ref.name().equals(vs.getMetadata().getName()) && pvcMatches;
      }
      // generateName: the one (for this PVC) created at or after the freeze (second resolution).
      String created = vs.getMetadata().getCreationTimestamp();
      boolean recent = created == null || !Instant.parse(created).isBefore(frozenAt.minusSeconds(1));
      return pvcMatches && recent;
    }

    private void onSnapshotDeleted(GenericKubernetesResource vs) {
      if (boundUid != null && boundUid.equals(vs.getMetadata().getUid()) && !closed.get()) {
        listener.deleted();
      }
    }

    private void onContent(GenericKubernetesResource content) {
      if (closed.get()) {
        return;
      }
      Map<String, Object> status = map(content.getAdditionalProperties().get("status"));
      Object handle = status.get(api.handleField());
      LOG.debug("content {} event, handle {}", content.getMetadata().getName(), handle);
      if (handle instanceof String h && !h.isEmpty()) {
        Instant cutAt = cutTime(status.get("creationTime"));
        String created = content.getMetadata().getCreationTimestamp();
        boolean before = created != null && Instant.parse(created).plusSeconds(1).isBefore(frozenAt);
        listener.cut(h, cutAt, before);
        return;
      }
      String error = errorMessage(status);
      if (error != null) {
        listener.failed("VolumeSnapshotContent failed: " + error);
      }
    }

    private void onContentDeleted() {
      if (!closed.get()) {
        listener.deleted();
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        for (SharedIndexInformer<GenericKubernetesResource> i : java.util.Arrays.asList(snapshots, contents)) {
          if (i != null) {
            try {
              i.close();
            } catch (RuntimeException e) {
              LOG.debug("closing informer: {}", e.toString());
            }
          }
        }
      }
    }
  }

  /** creationTime: nanoseconds since the epoch (VolumeSnapshotContent), or an RFC 3339 time (newer group API). */
  static Instant cutTime(Object creationTime) {
    if (creationTime instanceof Number n && n.longValue() > 0) {
      long nanos = n.longValue();
      return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
    if (creationTime instanceof String t && !t.isEmpty()) {
      try {
        return Instant.parse(t);
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  static String sourcePvc(GenericKubernetesResource vs) {
    Map<String, Object> spec = map(vs.getAdditionalProperties().get("spec"));
    Object name = map(spec.get("source")).get("persistentVolumeClaimName");
    return name instanceof String s ? s : "";
  }

  static String errorMessage(Map<String, Object> status) {
    Object error = status.get("error");
    if (error == null) {
      return null;
    }
    Object message = map(error).get("message");
    return Objects.toString(message, "error without message");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** Adapts add/update/delete callbacks to two functions. */
  private record Handler(java.util.function.Consumer<GenericKubernetesResource> onChange,
                         java.util.function.Consumer<GenericKubernetesResource> onGone)
      implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource obj) {
      onChange.accept(obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      onChange.accept(newObj);
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      onGone.accept(obj);
    }
  }
}
