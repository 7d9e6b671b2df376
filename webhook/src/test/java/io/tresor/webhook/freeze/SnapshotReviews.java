package io.tresor.webhook.freeze;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** AdmissionReviews as the apiserver sends them to {@code /freeze} when Velero creates its snapshots. */
public final class SnapshotReviews {
    public static final String VELERO = "system:serviceaccount:openshift-adp:velero";

    private SnapshotReviews() {
    }

    /** A VolumeSnapshot CREATE; {@code source} is the JSON of spec.source. */
    public static byte[] volumeSnapshot(String requestUid, String namespace, String name, String source, String user,
            boolean dryRun) {
        return volumeSnapshot(requestUid, namespace, name, UUID.randomUUID().toString(), source, user, dryRun);
    }

    /** The same with the object's UID (the one the stored object will have). */
    public static byte[] volumeSnapshot(String requestUid, String namespace, String name, String objectUid,
            String source, String user, boolean dryRun) {
        String object = """
                {"apiVersion":"snapshot.storage.k8s.io/v1","kind":"VolumeSnapshot",
                 "metadata":{"name":"%2$s","generateName":"velero-","namespace":"%1$s","uid":"%3$s",
                  "creationTimestamp":"2026-12-01T20:02:11Z","generation":1,
                  "labels":{"velero.io/backup-name":"nightly-1","velero.io/backup-uid":"5f1c2a9e-7d1b-4c3e-9a55-0c7d2b1e4f10"},
                  "managedFields":[{"manager":"velero-server","operation":"Update","apiVersion":"snapshot.storage.k8s.io/v1"}]},
                 "spec":{"source":%4$s,"volumeSnapshotClassName":"csi-aws-vsc"}}
                """.formatted(namespace, name, objectUid, source);
        return review(requestUid, "snapshot.storage.k8s.io", "v1", "VolumeSnapshot", "volumesnapshots", namespace, name,
                object, user, dryRun);
    }

    /** A VolumeGroupSnapshot CREATE (Velero 1.17) selecting PVCs by label. */
    static byte[] groupSnapshot(String requestUid, String namespace, String name, String matchLabelsJson) {
        String object = """
                {"apiVersion":"groupsnapshot.storage.k8s.io/v1beta1","kind":"VolumeGroupSnapshot",
                 "metadata":{"name":"%2$s","namespace":"%1$s","uid":"%3$s",
                  "labels":{"velero.io/backup-name":"nightly-1"}},
                 "spec":{"source":{"selector":{"matchLabels":%4$s}},"volumeGroupSnapshotClassName":"csi-aws-vgsc"}}
                """.formatted(namespace, name, UUID.randomUUID(), matchLabelsJson);
        return review(requestUid, "groupsnapshot.storage.k8s.io", "v1beta1", "VolumeGroupSnapshot",
                "volumegroupsnapshots", namespace, name, object, VELERO, false);
    }

    private static byte[] review(String uid, String group, String version, String kind, String resource,
            String namespace, String name, String object, String user, boolean dryRun) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"%1$s",
                 "kind":{"group":"%2$s","version":"%3$s","kind":"%4$s"},
                 "resource":{"group":"%2$s","version":"%3$s","resource":"%5$s"},
                 "requestKind":{"group":"%2$s","version":"%3$s","kind":"%4$s"},
                 "requestResource":{"group":"%2$s","version":"%3$s","resource":"%5$s"},
                 "name":"%7$s","namespace":"%6$s","operation":"CREATE",
                 "userInfo":{"username":"%9$s","uid":"0d9c7a3e-55f1-4b8e-a1c2-3e4f5a6b7c8d",
                  "groups":["system:serviceaccounts","system:serviceaccounts:openshift-adp","system:authenticated"]},
                 "object":%8$s,"oldObject":null,"dryRun":%10$s,
                 "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}
                """.formatted(uid, group, version, kind, resource, namespace, name, object, user, dryRun)
                .getBytes(StandardCharsets.UTF_8);
    }

    public static String pvcSource(String pvc) {
        return "{\"persistentVolumeClaimName\":\"" + pvc + "\"}";
    }
}
