package io.tresor.imagearchive.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.imagearchive.Digest;
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
                        input(List.of(unreadable(MON, NOW.minus(Duration.ofDays(2))), index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                                List.of(), Set.of(MON, TUE), Set.of(), marked24hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), marked24hAgo.at(), true),
                new Case("one unreadable ImageStream document holds deletions although the backup's others are readable",
                        input(List.of(new SweepInput.BackupIndex(TUE, NOW.minus(Duration.ofDays(1)), Map.of(FP, List.copyOf(V2)),
                                List.of("plugins/tresor/backups/" + TUE + "/imagestreams/shop/app.json"))),
                                List.of(), Set.of(TUE), Set.of(), marked24hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), marked24hAgo.at(), true),
                new Case("an unreadable index of a deleted backup goes and holds nothing",
                        input(List.of(unreadable(MON, NOW.minus(Duration.ofDays(2))), index(TUE, NOW.minus(Duration.ofDays(1)), FP, V2)),
                                List.of(), Set.of(MON, TUE), Set.of(MON), marked24hAgo),
                        Set.of(APP_V1, CONFIG_V1, MANIFEST_V1), Set.of(MON), Set.of(), Set.of(), NOW, false),
                new Case("a backup's ImageStream documents together keep what any of them references",
                        input(List.of(new SweepInput.BackupIndex(TUE, NOW.minus(Duration.ofDays(1)),
                                Map.of(FP, List.of(BASE, APP_V1, CONFIG_V1, MANIFEST_V1, APP_V2, CONFIG_V2, MANIFEST_V2)), List.of())),
                                List.of(), Set.of(TUE), Set.of(), marked24hAgo),
                        Set.of(), Set.of(), Set.of(), Set.of(), NOW, false));
    }

    @org.junit.jupiter.api.Test
    void anUnreadableDocumentIsNamedInTheHold() {
        String key = "tenant-a/plugins/tresor/backups/" + TUE + "/imagestreams/shop/app.json";
        SweepDecision decision = GarbageSweep.decide(input(List.of(new SweepInput.BackupIndex(TUE, NOW, Map.of(), List.of(key))),
                List.of(), Set.of(TUE), Set.of(), null));

        assertThat(decision.holds()).singleElement().asString().contains(key, "backup " + TUE, "unreadable with the current key");
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

    static SweepInput input(List<SweepInput.BackupIndex> indexes, List<SweepInput.InProgressRoot> roots, Set<String> velero,
                            Set<String> deleted, SweepState previous) {
        return new SweepInput(NOW, INTERVAL, STALE, indexes, roots, velero, deleted, Map.of(FP, STORED), previous);
    }

    static SweepInput.BackupIndex index(String backup, Instant written, String fp, Set<Digest> digests) {
        return new SweepInput.BackupIndex(backup, written, Map.of(fp, List.copyOf(digests)), List.of());
    }

    static SweepInput.BackupIndex unreadable(String backup, Instant written) {
        return new SweepInput.BackupIndex(backup, written, Map.of(), List.of("plugins/tresor/backups/" + backup + "/images.json"));
    }

    static Digest d(String content) {
        return Digest.of(content);
    }

}
