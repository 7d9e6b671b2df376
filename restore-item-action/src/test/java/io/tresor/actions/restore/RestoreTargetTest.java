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
import java.util.Optional;
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
        ObjectNode created = target.imageStream(ImageStreams.prepared(is), Optional.of(HOST)).imageStream();
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

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    /** Pull specs a mapped restore (shop to shop-copy) repoints, and those it must leave as they are. */
    @Test
    void repointsOnlyPullSpecsIntoTheSourceNamespacesRepositoriesOfTheInternalRegistry() {
        record Case(String description, String host, String pullSpec, String expected) {
        }
        String noPort = "image-registry.openshift-image-registry.svc";
        List<Case> cases = List.of(
                new Case("by digest", HOST, HOST + "/shop/web@" + DIGEST, HOST + "/shop-copy/web@" + DIGEST),
                new Case("by tag", HOST, HOST + "/shop/web:latest", HOST + "/shop-copy/web:latest"),
                new Case("tag and digest", HOST, HOST + "/shop/web:1.0@" + DIGEST, HOST + "/shop-copy/web:1.0@" + DIGEST),
                new Case("a repository (spec.dockerImageRepository)", HOST, HOST + "/shop/web", HOST + "/shop-copy/web"),
                new Case("a nested repository", HOST, HOST + "/shop/team/web:2", HOST + "/shop-copy/team/web:2"),
                new Case("a host configured without port", noPort, noPort + "/shop/web:latest", noPort + "/shop-copy/web:latest"),
                new Case("a namespace with the source's name as prefix", HOST, HOST + "/shopx/web:latest", null),
                new Case("a namespace that is a prefix of the source's name", HOST, HOST + "/sho/web:latest", null),
                new Case("another namespace", HOST, HOST + "/other/web@" + DIGEST, null),
                new Case("the namespace in other case", HOST, HOST + "/Shop/web:latest", null),
                new Case("an external registry", HOST, "quay.io/shop/web:latest", null),
                new Case("docker.io implied", HOST, "shop/web:latest", null),
                new Case("a host with the internal one as prefix", HOST, HOST + "evil/shop/web:latest", null),
                new Case("a host with the internal one as suffix", HOST, "evil." + HOST + "/shop/web:latest", null),
                new Case("the internal host as a path segment", HOST, "quay.io/" + HOST + "/shop/web:latest", null),
                new Case("the host without the configured port", HOST, noPort + "/shop/web:latest", null),
                new Case("the host with a port that is not configured", noPort, HOST + "/shop/web:latest", null),
                new Case("a top-level repository named like the namespace", HOST, HOST + "/shop:latest", null),
                new Case("the namespace without a repository", HOST, HOST + "/shop/", null),
                new Case("empty", HOST, "", null),
                new Case("no host known", "", "/shop/web:latest", null));
        RestoreTarget target = new RestoreTarget("shop", "shop-copy", "web");
        for (Case c : cases) {
            assertThat(target.repointPullSpec(c.pullSpec(), c.host())).as(c.description() + ": " + c.pullSpec())
                    .isEqualTo(Optional.ofNullable(c.expected()));
        }
    }

    @Test
    void aMappedRestoreRepointsSpecTagsAndTheDockerImageRepositoryIntoTheTargetNamespace() {
        ObjectNode is = ImageStreams.imageStream("shop", "web", HOST, Map.of());
        ObjectNode spec = is.withObjectProperty("spec");
        spec.put("dockerImageRepository", HOST + "/shop/legacy");
        spec.withArrayProperty("tags").addObject().put("name", "pinned")
                .putObject("from").put("kind", "DockerImage").put("name", HOST + "/shop/web@" + DIGEST);
        spec.withArrayProperty("tags").addObject().put("name", "foreign")
                .putObject("from").put("kind", "DockerImage").put("name", HOST + "/other/web:1");
        spec.withArrayProperty("tags").addObject().put("name", "similar")
                .putObject("from").put("kind", "DockerImage").put("name", HOST + "/shopx/web:1");
        spec.withArrayProperty("tags").addObject().put("name", "stable")
                .putObject("from").put("kind", "ImageStreamTag").put("name", "web:latest").put("namespace", "shop");
        spec.withArrayProperty("tags").addObject().put("name", "mirror")
                .putObject("from").put("kind", "DockerImage").put("name", HOST + "/shop/base:1.0");

        RestoreTarget.Recreation mapped = RestoreTarget.of(is, ImageStreams.restore("r1", "b1", "shop", "shop-copy"))
                .imageStream(ImageStreams.prepared(is), Optional.of(HOST));
        assertThat(fromNames(mapped.imageStream())).containsExactly("quay.io/tenant/base:1.2", HOST + "/shop-copy/web@" + DIGEST,
                HOST + "/other/web:1", HOST + "/shopx/web:1", "web:latest", HOST + "/shop-copy/base:1.0");
        assertThat(mapped.imageStream().path("spec").path("dockerImageRepository").asText()).isEqualTo(HOST + "/shop-copy/legacy");
        assertThat(mapped.repointedTags()).containsExactly("pinned", "stable", "mirror");
        assertThat(mapped.repositoryRepointed()).isTrue();
        assertThat(fromNames(is)).as("the backed-up object is not changed").contains(HOST + "/shop/web@" + DIGEST);

        RestoreTarget.Recreation unmapped = RestoreTarget.of(is, ImageStreams.restore("r1", "b1", "shop", "shop"))
                .imageStream(ImageStreams.prepared(is), Optional.empty());
        assertThat(fromNames(unmapped.imageStream())).isEqualTo(fromNames(is));
        assertThat(unmapped.imageStream().path("spec").path("dockerImageRepository").asText()).isEqualTo(HOST + "/shop/legacy");
        assertThat(unmapped.repointedTags()).isEmpty();
        assertThat(unmapped.repositoryRepointed()).isFalse();
    }

    @Test
    void referencesIntoEveryNamespaceTheRestoreMapsAreRepointedNotOnlyTheSourceNamespace() {
        ObjectNode is = ImageStreams.imageStream("shop", "web", HOST, Map.of());
        ObjectNode spec = is.withObjectProperty("spec");
        spec.withArrayProperty("tags").addObject().put("name", "base")
                .putObject("from").put("kind", "DockerImage").put("name", HOST + "/platform/base@" + DIGEST);
        spec.withArrayProperty("tags").addObject().put("name", "tools")
                .putObject("from").put("kind", "ImageStreamTag").put("name", "tools:1").put("namespace", "platform");
        spec.withArrayProperty("tags").addObject().put("name", "other")
                .putObject("from").put("kind", "DockerImage").put("name", HOST + "/unmapped/x:1");
        ObjectNode restore = ImageStreams.restore("r1", "b1", "shop", "shop");
        ObjectNode mapping = restore.withObjectProperty("spec").withObjectProperty("namespaceMapping");
        mapping.put("platform", "platform-copy");
        mapping.put("same", "same"); // maps nothing
        mapping.put("blank", " ");
        RestoreTarget target = RestoreTarget.of(is, restore);
        assertThat(target.namespace()).as("the ImageStream's own namespace is not mapped").isEqualTo("shop");
        assertThat(target.mapping()).containsExactly(Map.entry("platform", "platform-copy"));
        assertThat(target.mappingText()).isEqualTo("platform → platform-copy");

        RestoreTarget.Recreation r = target.imageStream(ImageStreams.prepared(is), Optional.of(HOST));
        assertThat(fromNames(r.imageStream())).containsExactly("quay.io/tenant/base:1.2", HOST + "/platform-copy/base@" + DIGEST,
                "tools:1", HOST + "/unmapped/x:1");
        assertThat(r.imageStream().path("spec").path("tags").get(2).path("from").path("namespace").asText()).isEqualTo("platform-copy");
        assertThat(r.repointedTags()).containsExactly("base", "tools");

        RestoreTarget plain = RestoreTarget.of(is, ImageStreams.restore("r1", "b1", "shop", "shop"));
        assertThat(plain.mapped()).isFalse();
        assertThat(plain.imageStream(ImageStreams.prepared(is), Optional.empty()).repointedTags()).isEmpty();
    }

    private static List<String> fromNames(ObjectNode is) {
        List<String> names = new java.util.ArrayList<>();
        is.path("spec").path("tags").forEach(t -> names.add(t.path("from").path("name").asText()));
        return names;
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
