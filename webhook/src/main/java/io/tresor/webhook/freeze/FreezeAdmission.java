package io.tresor.webhook.freeze;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tresor.freeze.client.AgentUnavailableException;
import io.tresor.freeze.client.FreezeClient;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import io.tresor.webhook.admission.AdmissionFunction;
import io.tresor.webhook.admission.AdmissionResponse;
import io.tresor.webhook.policy.AdmissionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /freeze}: when Velero creates a VolumeSnapshot (or VolumeGroupSnapshot) of mounted CSI filesystems, ask
 * each node's freeze agent to freeze them before the snapshot controller can cut. ALWAYS allows: a snapshot is
 * never blocked; a freeze that failed or was skipped becomes an admission warning (the snapshot is then
 * crash-consistent, as without tresor). The lease is keyed by the admission request UID.
 */
public final class FreezeAdmission implements AdmissionFunction {
    private static final Logger LOG = LoggerFactory.getLogger(FreezeAdmission.class);

    private final FreezeSettings settings;
    private final FreezeTargets targets;
    private final FreezeClient agents;
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "tresor-freeze-call");
        thread.setDaemon(true);
        return thread;
    });

    public FreezeAdmission(FreezeSettings settings, KubernetesClient client, FreezeClient agents) {
        this.settings = settings;
        this.targets = new FreezeTargets(client);
        this.agents = agents;
    }

    @Override
    public AdmissionResponse apply(AdmissionRequest request) {
        StringBuilder why = new StringBuilder();
        Optional<SnapshotTrigger> trigger = SnapshotTrigger.of(request, settings, why);
        if (trigger.isEmpty()) {
            LOG.debug("{}: no freeze ({})", request.subject(), why);
            return AdmissionResponse.allow(request.uid(), List.of());
        }
        SnapshotTrigger t = trigger.get();
        List<String> warnings = new ArrayList<>();
        try {
            List<FreezeTargets.Target> all = targets.resolve(t, skip -> warnings.add(notFrozen(t, skip)));
            // all PVCs of a group (and RWX volumes on several nodes) are frozen at the same moment, not one by one
            List<CompletableFuture<Optional<String>>> calls = all.stream()
                    .map(target -> CompletableFuture.supplyAsync(() -> freeze(request.uid(), t, target), callers))
                    .toList();
            calls.forEach(call -> call.join().ifPresent(warnings::add));
        } catch (KubernetesClientException e) {
            warnings.add(notFrozen(t, "cannot read the volume's objects (" + e.getCode() + ")"));
        } catch (RuntimeException e) {
            // never block a snapshot, not even on a bug; the class name only (messages may carry object content)
            LOG.error("freeze for {} failed: {}", t.subject(), e.getClass().getName());
            warnings.add(notFrozen(t, "internal error " + e.getClass().getSimpleName()));
        }
        return AdmissionResponse.allow(request.uid(), warnings);
    }

    /** Calls one agent; the warning to return when the volume is not frozen. */
    private Optional<String> freeze(String requestUid, SnapshotTrigger t, FreezeTargets.Target target) {
        FreezeRequest call = FreezeRequest.newBuilder().setNamespace(t.namespace()).setPvc(target.pvc())
                .setPv(target.pv()).addAllPodUids(target.podUids()).setLeaseSeconds(settings.leaseSeconds())
                .setVolumeSnapshot(SnapshotRef.newBuilder().setNamespace(t.namespace()).setName(t.name())
                        .setUid(t.uid()).setAdmissionRequestUid(requestUid).setBackupName(t.backupName())
                        .setKind(t.kind()))
                .build();
        try {
            LeaseStatus lease = agents.freeze(target.node(), call);
            if (lease.getState() == LeaseState.SKIPPED) {
                LOG.info("{}: PVC {}/{} not frozen on {}: {}: {}", t.subject(), t.namespace(), target.pvc(),
                        target.node(), lease.getSkipCode(), lease.getSkipReason());
                return Optional.of(notFrozen(t, "PVC " + t.namespace() + "/" + target.pvc() + ": "
                        + lease.getSkipCode() + ": " + lease.getSkipReason()));
            }
            LOG.info("{}: PVC {}/{} frozen on {} (lease {}, until {})", t.subject(), t.namespace(), target.pvc(),
                    target.node(), lease.getLeaseId(), lease.getExpiresAtUnixMs());
            return Optional.empty();
        } catch (AgentUnavailableException e) {
            LOG.warn("{}: PVC {}/{} not frozen: {}", t.subject(), t.namespace(), target.pvc(), e.getMessage());
            return Optional.of(notFrozen(t, "PVC " + t.namespace() + "/" + target.pvc() + ": freeze agent on node "
                    + target.node() + " unavailable"));
        }
    }

    private static String notFrozen(SnapshotTrigger t, String reason) {
        return "tresor: " + t.subject() + " is taken without filesystem freeze (crash-consistent): " + reason;
    }
}
