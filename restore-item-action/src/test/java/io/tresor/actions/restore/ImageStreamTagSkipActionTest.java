package io.tresor.actions.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;
import org.junit.jupiter.api.Test;

/** ImageStreamTags and ImageTags in a backup are never created: the ImageStream restore recreates their tags. */
class ImageStreamTagSkipActionTest {
    private static final String HOST = "image-registry.openshift-image-registry.svc:5000";

    static RestoreItemResult run(ObjectNode item) {
        ObjectNode restore = ImageStreams.restore("r1", "b1", "shop", "shop-copy");
        return new ImageStreamTagSkipAction().execute(new RestoreItemRequest(item.deepCopy(), () -> item, () -> restore));
    }

    @Test
    void appliesToBothTagViews() {
        assertThat(new ImageStreamTagSkipAction().appliesTo().includedResources())
                .containsExactlyInAnyOrder("imagestreamtags.image.openshift.io", "imagetags.image.openshift.io");
    }

    @Test
    void skipsALocalImageStreamTag() {
        // as `oc get istag web:latest -o json` returns it for an image pushed by a build
        ObjectNode istag = ClusterFixture.json("""
                {"apiVersion":"image.openshift.io/v1","kind":"ImageStreamTag",
                 "metadata":{"name":"web:latest","namespace":"shop","creationTimestamp":"2026-11-30T10:00:00Z"},
                 "tag":null,"generation":1,"lookupPolicy":{"local":true},
                 "image":{"metadata":{"name":"sha256:%s"},"dockerImageReference":"%s/shop/web@sha256:%s"}}
                """.formatted("a".repeat(64), HOST, "a".repeat(64)));
        assertThat(run(istag).skipRestore()).isTrue();
    }

    @Test
    void skipsAReferenceTagAndAnExternalImageTagToo() {
        // the OpenShift plugin creates these; tresor's ImageStream restore already has them in spec.tags
        ObjectNode reference = ClusterFixture.json("""
                {"apiVersion":"image.openshift.io/v1","kind":"ImageStreamTag",
                 "metadata":{"name":"web:stable","namespace":"shop"},
                 "tag":{"name":"stable","from":{"kind":"ImageStreamTag","name":"web:latest"},"referencePolicy":{"type":"Source"}},
                 "image":{"metadata":{"name":"sha256:%s"},"dockerImageReference":"quay.io/tenant/base@sha256:%s"}}
                """.formatted("b".repeat(64), "b".repeat(64)));
        ObjectNode imageTag = ClusterFixture.json("""
                {"apiVersion":"image.openshift.io/v1","kind":"ImageTag","metadata":{"name":"web:upstream","namespace":"shop"},
                 "spec":{"name":"upstream","from":{"kind":"DockerImage","name":"quay.io/tenant/base:1.2"}},
                 "status":{"tag":"upstream","items":[]}}""");
        assertThat(run(reference).skipRestore()).isTrue();
        assertThat(run(imageTag).skipRestore()).isTrue();
    }

    @Test
    void leavesOtherKindsAlone() {
        ObjectNode is = ImageStreams.imageStream("shop", "web", HOST, java.util.Map.of());
        RestoreItemResult result = run(is);
        assertThat(result.skipRestore()).isFalse();
        assertThat(result.item()).isNull();
    }
}
