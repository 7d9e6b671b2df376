package io.tresor.actions.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.actions.backup.CapturePlan.Decision;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.actions.cluster.testing.ImageStreams.Item;
import io.tresor.imagearchive.Digest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapturePlanTest {
    private static final String HOST = "image-registry.openshift-image-registry.svc:5000";
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "image-registry.openshift-image-registry.svc:5000/shop/web@@A| @A|COPY",
            "image-registry.openshift-image-registry.svc:5000/shop/other-stream@@A| @A|COPY",
            "image-registry.openshift-image-registry.svc:5000/finance/payroll@@A| @A|REFERENCE",
            "image-registry.openshift-image-registry.svc:5000/shopping/web@@A| @A|REFERENCE",
            "quay.io/shop/web@@A| @A|REFERENCE",
            "image-registry.openshift-image-registry.svc:5000.evil.example/shop/web@sha256:x| @A|REFERENCE",
            "image-registry.openshift-image-registry.svc:5000/shop/web:latest| latest|SKIP",
    })
    void decidesPerItemByRegistryAndNamespace(String reference, String image, Decision expected) {
        // @A stands for a digest (annotation values must be constants)
        reference = reference.replace("@A", A);
        image = image.strip().replace("@A", A);
        CapturePlan plan = CapturePlan.of(ImageStreams.imageStream("shop", "web", HOST,
                Map.of("latest", List.of(new Item(reference, image, "2026-11-30T10:00:00Z")))), HOST);
        assertThat(plan.tags().get(0).items().get(0).decision()).isEqualTo(expected);
        assertThat(plan.imagesToCopy()).hasSize(expected == Decision.COPY ? 1 : 0);
    }

    @Test
    void copiesEachImageOnceThroughTheStreamsOwnRepository() {
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(new Item(HOST + "/shop/web@" + B, B, "2026-11-30T10:00:00Z"),
                new Item(HOST + "/shop/web@" + A, A, "2026-11-01T10:00:00Z")));
        history.put("stable", List.of(new Item(HOST + "/shop/web@" + A, A, "2026-11-01T10:00:00Z")));
        CapturePlan plan = CapturePlan.of(ImageStreams.imageStream("shop", "web", HOST, history), HOST);
        assertThat(plan.repository()).isEqualTo("shop/web");
        assertThat(plan.imagesToCopy()).containsExactly(Digest.parse(B), Digest.parse(A));
        assertThat(plan.tags()).extracting(CapturePlan.Tag::tag).containsExactly("latest", "stable");
    }

    @Test
    void theSkipAnnotationSkipsInternalImagesButKeepsReferences() {
        var is = ImageStreams.imageStream("shop", "web", HOST, Map.of("latest", List.of(
                new Item(HOST + "/shop/web@" + A, A, "2026-11-30T10:00:00Z"),
                new Item("quay.io/shop/web@" + B, B, "2026-11-01T10:00:00Z"))));
        is.withObjectProperty("metadata").withObjectProperty("annotations").put(CapturePlan.SKIP_ANNOTATION, "true");
        CapturePlan plan = CapturePlan.of(is, HOST);
        assertThat(plan.imagesToCopy()).isEmpty();
        assertThat(plan.tags().get(0).items()).extracting(CapturePlan.Item::decision).containsExactly(Decision.SKIP, Decision.REFERENCE);
        assertThat(plan.tags().get(0).items().get(0).reason()).contains(CapturePlan.SKIP_ANNOTATION);
    }

    @Test
    void otherKindsAreEchoedWithoutTouchingTheCluster() throws Exception {
        var pod = io.tresor.actions.cluster.testing.ClusterFixture.json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\",\"namespace\":\"shop\"}}");
        ImageStreamCaptureAction action = new ImageStreamCaptureAction(() -> {
            throw new AssertionError("the cluster must not be touched");
        });
        assertThat(action.execute(new io.tresor.plugin.api.BackupItemRequest(pod, () -> ImageStreams.backup("b1", "shop"))))
                .isSameAs(io.tresor.plugin.api.BackupItemResult.unchanged());
    }
}
