package io.tresor.freeze.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tresor.freeze.lease.SnapshotRef;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SnapshotEvents} as core/v1 Events, posted off the freeze/thaw path. */
public final class KubeSnapshotEvents implements SnapshotEvents {
  private static final Logger LOG = LoggerFactory.getLogger(KubeSnapshotEvents.class);
  private static final String COMPONENT = "tresor-freeze-agent";

  private final KubernetesClient client;
  private final Executor executor;
  private final String nodeName;

  public KubeSnapshotEvents(KubernetesClient client, Executor executor, String nodeName) {
    this.client = client;
    this.executor = executor;
    this.nodeName = nodeName;
  }

  @Override
  public void normal(SnapshotRef snapshot, String pvc, String reason, String message) {
    post(snapshot, pvc, "Normal", reason, message);
  }

  @Override
  public void warning(SnapshotRef snapshot, String pvc, String reason, String message) {
    post(snapshot, pvc, "Warning", reason, message);
  }

  private void post(SnapshotRef snapshot, String pvc, String type, String reason, String message) {
    executor.execute(() -> {
      try {
        client.v1().events().inNamespace(snapshot.namespace()).resource(build(snapshot, pvc, type, reason, message))
            .create();
      } catch (RuntimeException e) {
        // Events are for people; a lost one must never disturb a freeze or thaw.
        LOG.warn("cannot post event {} on {}/{}: {}", reason, snapshot.namespace(), snapshot.name(), e.toString());
      }
    });
  }

  Event build(SnapshotRef snapshot, String pvc, String type, String reason, String message) {
    boolean onSnapshot = !snapshot.name().isEmpty();
    String object = onSnapshot ? snapshot.name() : pvc;
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    EventBuilder b = new EventBuilder()
        .withNewMetadata()
          .withName(object + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
          .withNamespace(snapshot.namespace())
        .endMetadata()
        .withType(type).withReason(reason).withMessage(message)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(COMPONENT).withHost(nodeName).endSource();
    if (onSnapshot) {
      b.withNewInvolvedObject().withApiVersion("snapshot.storage.k8s.io/v1").withKind("VolumeSnapshot")
          .withNamespace(snapshot.namespace()).withName(snapshot.name()).withUid(emptyToNull(snapshot.uid()))
          .endInvolvedObject();
    } else {
      b.withNewInvolvedObject().withApiVersion("v1").withKind("PersistentVolumeClaim")
          .withNamespace(snapshot.namespace()).withName(pvc).endInvolvedObject();
    }
    return b.build();
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
