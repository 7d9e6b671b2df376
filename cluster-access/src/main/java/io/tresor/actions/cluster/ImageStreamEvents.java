package io.tresor.actions.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on a tenant's ImageStream: with SSE-C the tenant cannot download Velero's backup log, so Events
 * are how they learn what happened to each image. A failed Event is a warning, never a failed item.
 */
public final class ImageStreamEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ImageStreamEvents.class);
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final String component;
    private final Clock clock;

    /** @param component the reporting component, e.g. {@code tresor-imagestream-capture} */
    public ImageStreamEvents(KubernetesClient client, String component, Clock clock) {
        this.client = client;
        this.component = component;
        this.clock = clock;
    }

    /** Records an Event on {@code imageStream} in {@code namespace} (the object may come from a backup). */
    public void record(ObjectNode imageStream, String namespace, boolean warning, String reason, String message) {
        String name = imageStream.path("metadata").path("name").asText();
        String uid = imageStream.path("metadata").path("uid").asText(null);
        String now = clock.instant().toString();
        Event event = new EventBuilder()
                .withNewMetadata().withGenerateName(name + ".tresor.").withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withApiVersion("image.openshift.io/v1").withKind("ImageStream")
                .withNamespace(namespace).withName(name).withUid(uid).endInvolvedObject()
                .withType(warning ? "Warning" : "Normal").withReason(reason)
                .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message)
                .withNewSource().withComponent(component).endSource()
                .withReportingComponent(component).withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.atWarn().addKeyValue("imagestream", namespace + "/" + name).addKeyValue("reason", reason)
                    .log("could not record an Event for the tenant (the Velero service account needs create events): {}", e.getMessage());
        }
    }
}
