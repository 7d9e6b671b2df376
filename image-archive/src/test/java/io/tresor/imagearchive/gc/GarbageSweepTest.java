package io.tresor.imagearchive.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.registry.MediaTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The two-pass sweep decision as a table of storage states a real location goes through. */
class GarbageSweepTest {
    static final String FP = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final String OLD_FP = "00112233445566778899aabbccddeeff";
    static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");
    static final Duration INTERVAL = Duration.ofHours(24);
    static final Duration STALE = Duration.ofHours(12);

    static final Digest BASE = d("ubi9 base layer");
    static final Digest APP_V1 = d("app v1 layer");
    static final Digest APP_V2 = d("app v2 layer");
    static final Digest CONFIG_V1 = d("app v1 config");
    static final Digest CONFIG_V2 = d("app v2 config");
    static final Digest MANIFEST_V1 = d("app v1 manifest");
    static final Digest MANIFEST_V2 = d("app v2 manifest");
    static final Set<Digest> STORED = Set.of(BASE, APP_V1, APP_V2, CONFIG_V1, CONFIG_V2, MANIFEST_V1, MANIFEST_V2);
    static final Set<Digest> V1 = Set.of(BASE, APP_V1, CONFIG_V1, MANIFEST_V1);
    static final Set<Digest> V2 = Set.of(BASE, APP_V2, CONFIG_V2, MANIFEST_V2);

    static final String MON = "nightly-20261130";
    static final String TUE = "nightly-20261201";

    record Case(String name, SweepInput input, Set<Digest> deleted, Set<String> indexesDropped, Set<String> rootsDropped,
                Set<Digest> nextCandidates, Instant nextAt, boolean held) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        SweepState marked24hAgo = new SweepState(NOW.minus(Duration.ofHours(25)), Map.of(FP, Set.of(APP_V1, CONFIG_V1, MANIFEST_V1)));
        SweepState marked1hAgo = new SweepState(NOW.minus(Duration.ofHours(1)), Map.of(FP, Set.of(APP_V1, CONFIG_V1, MANIFEST_V1)));
        return Stream.of(
                new Case("first pass only marks what no index needs",
                        input(List.of(index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)), List.of(), Set.of(MON, TUE), Set.of(), null),
                        Set.of(), Set.of(), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), NOW, false),
                new Case("second pass a day later deletes what stayed unreferenced, keeps the shared base layer",
                        input(List.of(index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)), List.of(), Set.of(TUE), Set.of(), marked24hAgo),
                        Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), Set.of(), Set.of(), Set.of(), NOW, false),
                new Case("a pass sooner than the interval deletes nothing and keeps the old mark time",
                        input(List.of(index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)), List.of(), Set.of(TUE), Set.of(), marked1hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), marked1hAgo.at(), true),
                new Case("a marked blob that a newer backup reused is kept",
                        input(List.of(index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2), index("reuse-v1", NOW.minus(Duration.ofHours(3)), FP, V1)),
                                List.of(), Set.of(TUE, "reuse-v1"), Set.of(), marked24hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(), NOW, false),
                new Case("a live capture holds every deletion (it may be reusing marked blobs)",
                        input(List.of(index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                                List.of(new SweepInput.InProgressRoot("nightly-20261202", NOW.minus(Duration.ofMinutes(5)))),
                                Set.of(TUE), Set.of(), marked24hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), marked24hAgo.at(), true),
                new Case("the root of a capture that died long ago is dropped and holds nothing",
                        input(List.of(index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                                List.of(new SweepInput.InProgressRoot("crashed-20261120", NOW.minus(Duration.ofDays(11)))),
                                Set.of(TUE), Set.of(), marked24hAgo),
                        Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), Set.of(), Set.of("crashed-20261120"), Set.of(), NOW, false),
                new Case("the deleted backup's index goes; its own blobs are only marked, the shared ones stay",
                        input(List.of(index(MON, NOW.minus(Duration.ofDays(2)), FP, V1), index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                                List.of(), Set.of(MON, TUE), Set.of(MON), null),
                        Set.of(), Set.of(MON), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), NOW, false),
                new Case("an index whose Velero backup is gone is dropped, a fresh one of a finishing backup is not",
                        input(List.of(index(MON, NOW.minus(Duration.ofDays(2)), FP, V1), index("finishing", NOW.minus(Duration.ofMinutes(2)), FP, V2)),
                                List.of(), Set.of(), Set.of(), null),
                        Set.of(), Set.of(MON), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), NOW, false),
                new Case("an index unreadable with the current key holds deletions",
                        input(List.of(new SweepInput.IndexFile(MON, NOW.minus(Duration.ofDays(2)), null), index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                                List.of(), Set.of(MON, TUE), Set.of(), marked24hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), marked24hAgo.at(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        SweepDecision decision = GarbageSweep.decide(c.input());

        assertThat(decision.blobsToDelete().getOrDefault(FP, Set.of())).as("deleted").isEqualTo(c.deleted());
        assertThat(Set.copyOf(decision.indexesToDelete())).as("indexes dropped").isEqualTo(c.indexesDropped());
        assertThat(Set.copyOf(decision.inProgressToDelete())).as("in-progress roots dropped").isEqualTo(c.rootsDropped());
        assertThat(decision.next().candidates(FP)).as("marked for the next pass").isEqualTo(c.nextCandidates());
        assertThat(decision.next().at()).as("mark time").isEqualTo(c.nextAt());
        assertThat(decision.holds().isEmpty()).as("held: %s", decision.holds()).isEqualTo(!c.held());
    }

    @org.junit.jupiter.api.Test
    void blobsOfAnOlderKeyAreJudgedByTheIndexesOfThatKey() {
        SweepState previous = new SweepState(NOW.minus(Duration.ofDays(2)), Map.of(OLD_FP, Set.of(APP_V1), FP, Set.of(APP_V1)));
        SweepInput in = new SweepInput(NOW, INTERVAL, STALE,
                List.of(index(MON, NOW.minus(Duration.ofDays(3)), OLD_FP, V1), index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                List.of(), Set.of(MON, TUE), Set.of(), Map.of(OLD_FP, V1, FP, Set.of(BASE, APP_V1, APP_V2, CONFIG_V2, MANIFEST_V2)), previous);

        SweepDecision decision = GarbageSweep.decide(in);

        // APP_V1 is still needed under the old key by Monday's backup, but not under the new key
        assertThat(decision.blobsToDelete()).isEqualTo(Map.of(FP, Set.of(APP_V1)));
        assertThat(decision.blobCount()).isEqualTo(1);
    }

    static SweepInput input(List<SweepInput.IndexFile> indexes, List<SweepInput.InProgressRoot> roots, Set<String> velero,
                            Set<String> deleted, SweepState previous) {
        return new SweepInput(NOW, INTERVAL, STALE, indexes, roots, velero, deleted, Map.of(FP, STORED), previous);
    }

    static SweepInput.IndexFile index(String backup, Instant written, String fp, Set<Digest> digests) {
        Digest manifest = digests.stream().filter(x -> x.equals(MANIFEST_V1) || x.equals(MANIFEST_V2)).findFirst().orElseThrow();
        List<BlobRecord> blobs = digests.stream().filter(x -> !x.equals(manifest)).sorted()
                .map(x -> new BlobRecord(x, "application/vnd.oci.image.layer.v1.tar+gzip", 1000, null)).toList();
        ImageRecord image = new ImageRecord(manifest, MediaTypes.OCI_MANIFEST, 500, "shop/app", List.of(), blobs);
        return new SweepInput.IndexFile(backup, written, new ImageIndex(1, backup, fp, written.toString(), List.of(), List.of(image)));
    }

    static Digest d(String content) {
        return Digest.of(content);
    }

}
