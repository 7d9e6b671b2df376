package io.tresor.webhook.freeze;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.tresor.freeze.client.FreezeClient;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotKind;
import io.tresor.webhook.admission.AdmissionResponse;
import io.tresor.webhook.admission.AdmissionReviewCodec;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /freeze} decisions against the real agent over gRPC (webhook token), with real ext4 when root. */
class FreezeAdmissionTest {
    private static ConsistencyBed bed;
    private static FreezeClient agents;
    private static FreezeAdmission freeze;
    private static FreezeClient velero;
    private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

    @BeforeAll
    static void start() throws Exception {
        bed = new ConsistencyBed();
        agents = bed.client(TestCluster.WEBHOOK_TOKEN);
        velero = bed.client(TestCluster.VELERO_TOKEN);
        freeze = new FreezeAdmission(new FreezeSettings(SnapshotReviews.VELERO, 60), bed.cluster.client, agents);
    }

    @AfterAll
    static void stop() throws Exception {
        if (agents != null) {
            agents.close();
            velero.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private AdmissionResponse admit(byte[] review) throws Exception {
        return freeze.apply(codec.decode(review).request());
    }

    /** The agent's leases for this PVC, across all admissions. */
    private static List<LeaseStatus> leases(String pvc) throws Exception {
        return velero.statusAll(ConsistencyBed.NODE).stream().filter(l -> l.getPvc().equals(pvc)).toList();
    }

    @Test
    void veleroCreatingASnapshotOfAMountedExt4FreezesItUnderTheRequestUid() throws Exception {
        LoopVolume.assumeRoot();
        ConsistencyBed.Volume v = bed.volume(true);
        String uid = UUID.randomUUID().toString();
        AdmissionResponse r = admit(SnapshotReviews.volumeSnapshot(uid, ConsistencyBed.NS, "velero-" + v.pvc() + "-a1",
                SnapshotReviews.pvcSource(v.pvc()), SnapshotReviews.VELERO, false));
        CompletableFuture<Void> blocked = v.fs().write();
        try {
            assertThat(r.allowed()).isTrue();
            assertThat(r.warnings()).isEmpty();
            assertThat(leases(v.pvc())).singleElement().satisfies(l -> {
                assertThat(l.getLeaseId()).isEqualTo(uid);
                assertThat(l.getState()).isEqualTo(LeaseState.FROZEN);
                assertThat(l.getVolumeSnapshot().getBackupName()).isEqualTo("nightly-1");
                assertThat(l.getPv()).isEqualTo(v.pv());
            });
            Thread.sleep(200);
            assertThat(blocked).as("the application's write waits for the thaw").isNotDone();
        } finally {
            velero.thaw(ConsistencyBed.NODE, io.tresor.proto.freeze.v1.SnapshotRef.newBuilder()
                    .setNamespace(ConsistencyBed.NS).setName("velero-" + v.pvc() + "-a1").build());
        }
        blocked.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aSnapshotCreatedByAnyoneElseFreezesNothingAndSaysNothing() throws Exception {
        ConsistencyBed.Volume v = bed.volume(false);
        AdmissionResponse r = admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(), ConsistencyBed.NS,
                "mine", SnapshotReviews.pvcSource(v.pvc()), "system:serviceaccount:shop:default", false));
        assertThat(r.allowed()).isTrue();
        assertThat(r.warnings()).isEmpty();
        assertThat(leases(v.pvc())).isEmpty();
    }

    @Test
    void aDryRunAndASnapshotOfAnExistingContentFreezeNothing() throws Exception {
        ConsistencyBed.Volume v = bed.volume(false);
        assertThat(admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(), ConsistencyBed.NS, "dry",
                SnapshotReviews.pvcSource(v.pvc()), SnapshotReviews.VELERO, true)).allowed()).isTrue();
        assertThat(admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(), ConsistencyBed.NS, "imported",
                "{\"volumeSnapshotContentName\":\"velero-restore-content-1\"}", SnapshotReviews.VELERO, false))
                .warnings()).isEmpty();
        assertThat(leases(v.pvc())).isEmpty();
    }

    @Test
    void anOptOutOnThePvcOrOnAPodIsAWarningAndNoFreeze() throws Exception {
        ConsistencyBed.Volume onPvc = bed.volume(false);
        bed.cluster.client.resource(new PersistentVolumeClaimBuilder(bed.cluster.client.persistentVolumeClaims()
                .inNamespace(ConsistencyBed.NS).withName(onPvc.pvc()).get()).editMetadata()
                .addToAnnotations(FreezeTargets.OPT_OUT, "false").endMetadata().build()).update();
        AdmissionResponse r = admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(), ConsistencyBed.NS,
                "o1", SnapshotReviews.pvcSource(onPvc.pvc()), SnapshotReviews.VELERO, false));
        assertThat(r.allowed()).isTrue();
        assertThat(r.warnings()).singleElement().asString().contains("opted out").contains(onPvc.pvc())
                .startsWith("tresor: VolumeSnapshot shop/o1 is taken without filesystem freeze");

        ConsistencyBed.Volume onPod = bed.volume(false);
        bed.cluster.client.resource(new PodBuilder(onPod.pod()).editMetadata()
                .withAnnotations(Map.of(FreezeTargets.OPT_OUT, "false")).endMetadata().build()).update();
        AdmissionResponse p = admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(), ConsistencyBed.NS,
                "o2", SnapshotReviews.pvcSource(onPod.pvc()), SnapshotReviews.VELERO, false));
        assertThat(p.warnings()).singleElement().asString().contains("pod shop/" + onPod.pod().getMetadata().getName())
                .contains("opted out");
        assertThat(leases(onPvc.pvc())).isEmpty();
        assertThat(leases(onPod.pvc())).isEmpty();
    }

    @Test
    void aSkipByTheAgentAndAnUnreachableAgentAreWarningsAndTheSnapshotIsAllowed() throws Exception {
        ConsistencyBed.Volume unmounted = bed.volume(false);
        AdmissionResponse skipped = admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(),
                ConsistencyBed.NS, "s1", SnapshotReviews.pvcSource(unmounted.pvc()), SnapshotReviews.VELERO, false));
        assertThat(skipped.allowed()).isTrue();
        assertThat(skipped.warnings()).singleElement().asString().contains(unmounted.pvc())
                .contains(leases(unmounted.pvc()).get(0).getSkipCode());

        bed.cluster.boundPvc(ConsistencyBed.NS, "data-far", "pvc-5d4c3b2a-0000-4c8b-9d61-2f3a4b5c6d7e");
        bed.cluster.runningPod(ConsistencyBed.NS, "far-0", "worker-without-agent", "data-far");
        AdmissionResponse unreachable = admit(SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(),
                ConsistencyBed.NS, "s2", SnapshotReviews.pvcSource("data-far"), SnapshotReviews.VELERO, false));
        assertThat(unreachable.allowed()).isTrue();
        assertThat(unreachable.warnings()).singleElement().asString()
                .contains("freeze agent on node worker-without-agent unavailable");
    }

    @Test
    void aVolumeGroupSnapshotFreezesEverySelectedPvcAsOneGroup() throws Exception {
        LoopVolume.assumeRoot();
        ConsistencyBed.Volume a = bed.volume(true);
        ConsistencyBed.Volume b = bed.volume(true);
        for (ConsistencyBed.Volume v : List.of(a, b)) {
            bed.cluster.client.resource(new PersistentVolumeClaimBuilder(bed.cluster.client.persistentVolumeClaims()
                    .inNamespace(ConsistencyBed.NS).withName(v.pvc()).get()).editMetadata()
                    .addToLabels("velero.io/volume-group", "orders").endMetadata().build()).update();
        }
        String uid = UUID.randomUUID().toString();
        try {
            AdmissionResponse r = admit(SnapshotReviews.groupSnapshot(uid, ConsistencyBed.NS, "velero-orders-g1",
                    "{\"velero.io/volume-group\":\"orders\"}"));
            assertThat(r.allowed()).isTrue();
            assertThat(r.warnings()).isEmpty();
            for (ConsistencyBed.Volume v : List.of(a, b)) {
                assertThat(leases(v.pvc())).singleElement().satisfies(l -> {
                    assertThat(l.getLeaseId()).isEqualTo(uid + ":" + v.pvc());
                    assertThat(l.getState()).isEqualTo(LeaseState.FROZEN);
                    assertThat(l.getVolumeSnapshot().getKind()).isEqualTo(SnapshotKind.VOLUME_GROUP_SNAPSHOT);
                });
                assertThat(v.fs().writable(200)).isFalse();
            }
        } finally {
            velero.thaw(ConsistencyBed.NODE, io.tresor.proto.freeze.v1.SnapshotRef.newBuilder()
                    .setNamespace(ConsistencyBed.NS).setName("velero-orders-g1")
                    .setKind(SnapshotKind.VOLUME_GROUP_SNAPSHOT).build());
        }
        assertThat(a.fs().writable(5000)).isTrue();
        assertThat(b.fs().writable(5000)).isTrue();
    }
}
