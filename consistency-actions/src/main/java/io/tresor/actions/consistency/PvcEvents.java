package io.tresor.actions.consistency;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's channel: a Kubernetes Event on their own PVC per volume and backup. With SSE-C the backup log
 * cannot be downloaded by the tenant, so the same sentence must reach them here.
 */
final class PvcEvents {
  static final String COMPONENT = "tresor-velero-plugin";
  private static final Logger LOG = LoggerFactory.getLogger(PvcEvents.class);

  private final KubernetesClient client;

  PvcEvents(KubernetesClient client) {
    this.client = client;
  }

  void record(String namespace, String pvc, String backup, Verdict verdict) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withNamespace(namespace)
          .withName(pvc + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE))
          .endMetadata()
          .withNewInvolvedObject().withApiVersion("v1").withKind("PersistentVolumeClaim").withNamespace(namespace)
          .withName(pvc).endInvolvedObject()
          .withType(verdict.warning() ? "Warning" : "Normal").withReason(verdict.eventReason())
          .withMessage("backup " + backup + ": " + verdict.sentence())
          .withNewSource().withComponent(COMPONENT).endSource()
          .withReportingComponent("tresor.io/pod-consistency").withReportingInstance(COMPONENT)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build()).create();
    } catch (KubernetesClientException e) {
      // info, not warn: the backup log line for this volume already carries the same sentence
      LOG.atInfo().addKeyValue("namespace", namespace).addKeyValue("pvc", pvc)
          .log("could not record the consistency Event on PVC {}/{}: {}", namespace, pvc, e.getMessage());
    }
  }
}
