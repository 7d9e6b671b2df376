package io.tresor.webhook.freeze;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tresor.freeze.client.VolumeUsers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Resolves a trigger to what can be frozen: PVC → PV (CSI, {@code volumeMode: Filesystem}) → running pods that
 * mount it → their nodes. Opt-outs ({@code tresor.io/freeze: "false"} on the PVC or a pod) and unfreezable volumes
 * are reported through {@code skipped} and never reach an agent.
 */
final class FreezeTargets {
    static final String OPT_OUT = "tresor.io/freeze";

    /** One PVC's pods on one node: one Freeze call. */
    record Target(String pvc, String pv, String node, List<String> podUids) {
    }

    private final KubernetesClient client;

    FreezeTargets(KubernetesClient client) {
        this.client = client;
    }

    List<Target> resolve(SnapshotTrigger t, Consumer<String> skipped) {
        List<String> pvcs = t.pvc().isEmpty() ? selected(t) : List.of(t.pvc());
        if (pvcs.isEmpty()) {
            skipped.accept("the group's selector matches no PVC in " + t.namespace());
        }
        List<Target> out = new ArrayList<>();
        for (String name : pvcs) {
            out.addAll(resolve(t.namespace(), name, skipped));
        }
        return out;
    }

    private List<String> selected(SnapshotTrigger t) {
        LabelSelector selector = Serialization.unmarshal(t.selector().toString(), LabelSelector.class);
        return client.persistentVolumeClaims().inNamespace(t.namespace()).withLabelSelector(selector).list()
                .getItems().stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private List<Target> resolve(String namespace, String name, Consumer<String> skipped) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
        if (pvc == null) {
            skipped.accept("PVC " + namespace + "/" + name + " not found");
            return List.of();
        }
        if (optedOut(pvc.getMetadata().getAnnotations())) {
            skipped.accept("PVC " + namespace + "/" + name + " opted out (" + OPT_OUT + ": \"false\")");
            return List.of();
        }
        String pvName = pvc.getSpec().getVolumeName();
        PersistentVolume pv = pvName == null || pvName.isEmpty() ? null : client.persistentVolumes().withName(pvName).get();
        if (pv == null) {
            skipped.accept("PVC " + namespace + "/" + name + " is not bound to a PersistentVolume");
            return List.of();
        }
        if (pv.getSpec().getCsi() == null) {
            skipped.accept("PVC " + namespace + "/" + name + ": PV " + pvName + " is not a CSI volume");
            return List.of();
        }
        if ("Block".equals(pv.getSpec().getVolumeMode())) {
            skipped.accept("PVC " + namespace + "/" + name + " is a raw block volume: no filesystem to freeze");
            return List.of();
        }
        Map<String, List<Pod>> byNode = new VolumeUsers(client).runningByNode(namespace, name);
        List<Target> out = new ArrayList<>();
        byNode.forEach((node, pods) -> {
            List<String> uids = pods.stream().filter(p -> {
                boolean optedOut = optedOut(p.getMetadata().getAnnotations());
                if (optedOut) {
                    skipped.accept("pod " + namespace + "/" + p.getMetadata().getName() + " opted out (" + OPT_OUT
                            + ": \"false\")");
                }
                return !optedOut;
            }).map(p -> p.getMetadata().getUid()).toList();
            // one pod's opt-out spares the whole filesystem: a freeze would block that pod's writes too
            if (!uids.isEmpty() && uids.size() == pods.size()) {
                out.add(new Target(name, pvName, node, uids));
            }
        });
        if (byNode.isEmpty()) {
            // not an error: an unmounted volume is at rest and consistent as it is
            skipped.accept("PVC " + namespace + "/" + name + " is not mounted by a running pod: nothing to freeze");
        }
        return out;
    }

    private static boolean optedOut(Map<String, String> annotations) {
        return annotations != null && "false".equalsIgnoreCase(annotations.get(OPT_OUT));
    }
}
