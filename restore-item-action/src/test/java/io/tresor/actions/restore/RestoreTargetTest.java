package io.tresor.actions.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.index.TagRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreTargetTest {
    private static final String HOST = "image-registry.openshift-image-registry.svc:5000";

    @Test
    void followsTheNamespaceMappingAndDropsBookkeeping() {
        ObjectNode is = ImageStreams.imageStream("shop", "web", HOST, Map.of());
        is.withObjectProperty("metadata").withObjectProperty("annotations").put("tresor.io/image-index", "x");
        is.withObjectProperty("spec").withArrayProperty("tags").addObject().put("name", "stable")
                .putObject("from").put("kind", "ImageStreamTag").put("name", "web:latest").put("namespace", "shop");
        RestoreTarget target = RestoreTarget.of(is, ImageStreams.restore("r1", "b1", "shop", "shop-copy"));
        assertThat(target.namespace()).isEqualTo("shop-copy");
        assertThat(target.repository()).isEqualTo("shop-copy/web");
        ObjectNode created = target.imageStream(ImageStreams.prepared(is));
        assertThat(created.path("metadata").path("namespace").asText()).isEqualTo("shop-copy");
        assertThat(created.path("metadata").path("annotations").has("tresor.io/image-index")).isFalse();
        assertThat(created.path("metadata").path("annotations").path("openshift.io/generated-by").asText()).isEqualTo("OpenShiftNewBuild");
        assertThat(created.path("spec").path("lookupPolicy").path("local").asBoolean()).isTrue();
        assertThat(created.path("spec").path("tags").get(1).path("from").path("namespace").asText()).isEqualTo("shop-copy");
        assertThat(created.has("status")).isFalse();
    }

    @Test
    void withoutMappingTheSourceNamespaceStays() {
        ObjectNode is = ImageStreams.imageStream("shop", "web", HOST, Map.of());
        assertThat(RestoreTarget.of(is, ImageStreams.restore("r1", "b1", "shop", "shop")).namespace()).isEqualTo("shop");
    }

    @Test
    void replaysEachTagsArchivedHistoryOldestFirst() {
        Digest a = Digest.parse("sha256:" + "a".repeat(64));
        Digest b = Digest.parse("sha256:" + "b".repeat(64));
        Digest c = Digest.parse("sha256:" + "c".repeat(64));
        ImageStreamRecord record = new ImageStreamRecord("shop", "web", List.of(
                new TagRecord("latest", List.of(item(c, Outcome.CAPTURED), item(b, Outcome.SKIPPED), item(a, Outcome.ALREADY_PRESENT))),
                new TagRecord("base", List.of(item(b, Outcome.REFERENCE)))));
        assertThat(TagHistoryReplay.of(record)).containsExactly(
                new TagHistoryReplay.Push("latest", a), new TagHistoryReplay.Push("latest", c));
    }

    /** A tag whose newest item was not archived: its archived older images go in by digest, never under the tag. */
    @Test
    void aTagWhoseNewestImageWasNotArchivedGetsItsOlderImagesByDigestOnly() {
        Digest x = Digest.parse("sha256:" + "1".repeat(64));
        Digest y = Digest.parse("sha256:" + "2".repeat(64));
        Digest z = Digest.parse("sha256:" + "3".repeat(64));
        record Case(String description, List<TagItemRecord> latest, List<TagHistoryReplay.Push> expected) {
        }
        List<Case> cases = List.of(
                new Case("latest now points at otherns/base:1 (reference), y captured before",
                        List.of(item(x, Outcome.REFERENCE), item(y, Outcome.CAPTURED)),
                        List.of(new TagHistoryReplay.Push("latest", y, true))),
                new Case("newest pruned before the backup (skipped), y and z archived",
                        List.of(item(x, Outcome.SKIPPED), item(y, Outcome.ALREADY_PRESENT), item(z, Outcome.CAPTURED)),
                        List.of(new TagHistoryReplay.Push("latest", z, true), new TagHistoryReplay.Push("latest", y, true))),
                new Case("newest archived, an older reference in between: tagged as before",
                        List.of(item(y, Outcome.CAPTURED), item(x, Outcome.REFERENCE), item(z, Outcome.CAPTURED)),
                        List.of(new TagHistoryReplay.Push("latest", z), new TagHistoryReplay.Push("latest", y))),
                new Case("only a reference: nothing to push", List.of(item(x, Outcome.REFERENCE)), List.of()));
        for (Case c : cases) {
            ImageStreamRecord record = new ImageStreamRecord("shop", "web", List.of(new TagRecord("latest", c.latest())));
            List<TagHistoryReplay.Push> pushes = TagHistoryReplay.of(record);
            assertThat(pushes).as(c.description()).containsExactlyElementsOf(c.expected());
            if (!c.latest().get(0).outcome().archived()) {
                assertThat(pushes).as(c.description() + ": nothing pushed under latest").allMatch(p -> p.tags().isEmpty());
            }
            assertThat(TagHistoryReplay.leftToTheirSpec(record)).as(c.description() + ": warned")
                    .hasSize(c.expected().stream().anyMatch(TagHistoryReplay.Push::byDigestOnly) ? 1 : 0);
        }
        assertThat(TagHistoryReplay.of(new ImageStreamRecord("shop", "web", List.of(new TagRecord("latest",
                List.of(item(x, Outcome.REFERENCE), item(y, Outcome.CAPTURED)))))))
                .as("the reviewer's case").doesNotContain(new TagHistoryReplay.Push("latest", y));
        assertThat(new TagHistoryReplay.Push("latest", y, true).tags()).isEmpty();
        assertThat(new TagHistoryReplay.Push("latest", y).tags()).containsExactly("latest");
    }

    private static TagItemRecord item(Digest d, Outcome outcome) {
        return new TagItemRecord("2026-11-30T10:00:00Z", HOST + "/shop/web@" + d, d, outcome, null);
    }
}
