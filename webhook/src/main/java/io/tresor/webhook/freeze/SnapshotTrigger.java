package io.tresor.webhook.freeze;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.proto.freeze.v1.SnapshotKind;
import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.Fields;
import io.tresor.webhook.policy.Operation;
import java.util.Optional;

/**
 * An admitted object that should freeze something: a VolumeSnapshot of a PVC, or a VolumeGroupSnapshot that
 * selects PVCs by label, created by Velero, not a dry run. Pure: decided from the AdmissionReview alone.
 *
 * @param pvc      the source PVC of a VolumeSnapshot ("" for a group)
 * @param selector the group's {@code spec.source.selector} (missing for a single snapshot)
 */
public record SnapshotTrigger(SnapshotKind kind, String namespace, String name, String uid, String backupName,
        String pvc, JsonNode selector) {

    static final String BACKUP_NAME_LABEL = "velero.io/backup-name";

    /** The trigger, or why this request freezes nothing. */
    public static Optional<SnapshotTrigger> of(AdmissionRequest r, FreezeSettings settings, StringBuilder why) {
        if (r.operation() != Operation.CREATE) {
            why.append("not a CREATE");
            return Optional.empty();
        }
        boolean single = "VolumeSnapshot".equals(r.kind()) && "snapshot.storage.k8s.io".equals(r.group());
        boolean group = "VolumeGroupSnapshot".equals(r.kind()) && "groupsnapshot.storage.k8s.io".equals(r.group());
        if (!single && !group) {
            why.append("not a VolumeSnapshot or VolumeGroupSnapshot");
            return Optional.empty();
        }
        if (!settings.veleroUser().equals(r.username())) {
            why.append("created by ").append(r.username()).append(", not by Velero");
            return Optional.empty();
        }
        if (r.dryRun()) {
            why.append("dry run");
            return Optional.empty();
        }
        JsonNode o = r.object();
        JsonNode source = o.path("spec").path("source");
        String name = r.name().isEmpty() ? Fields.text(o, "metadata", "name") : r.name();
        String backup = Fields.text(o, "metadata", "labels", BACKUP_NAME_LABEL);
        String uid = Fields.text(o, "metadata", "uid");
        if (single) {
            String pvc = Fields.text(source, "persistentVolumeClaimName");
            if (pvc.isEmpty()) {
                why.append("a snapshot of an existing VolumeSnapshotContent");
                return Optional.empty();
            }
            return Optional.of(new SnapshotTrigger(SnapshotKind.VOLUME_SNAPSHOT, r.namespace(), name, uid, backup, pvc,
                    null));
        }
        if (!source.path("selector").isObject()) {
            why.append("a group snapshot of an existing VolumeGroupSnapshotContent");
            return Optional.empty();
        }
        return Optional.of(new SnapshotTrigger(SnapshotKind.VOLUME_GROUP_SNAPSHOT, r.namespace(), name, uid, backup, "",
                source.path("selector")));
    }

    /** "VolumeSnapshot shop/name" for messages. */
    public String subject() {
        return (kind == SnapshotKind.VOLUME_GROUP_SNAPSHOT ? "VolumeGroupSnapshot " : "VolumeSnapshot ") + namespace
                + "/" + (name.isEmpty() ? "(generated name)" : name);
    }
}
