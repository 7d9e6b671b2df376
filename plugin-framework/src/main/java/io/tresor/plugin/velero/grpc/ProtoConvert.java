package io.tresor.plugin.velero.grpc;

import com.google.protobuf.Timestamp;
import io.tresor.plugin.api.OperationProgress;
import io.tresor.plugin.api.ResourceIdentifier;
import io.tresor.plugin.api.ResourceSelector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Conversions between the action SPI and Velero's protobuf messages. */
final class ProtoConvert {
    /**
     * Go's zero {@code time.Time} in seconds, which Velero's framework sends for "unknown". Built per call, not held in
     * a constant: this class serves AppliesTo too, and initialising protobuf's Timestamp there would run protobuf's
     * version check (see proto/pom.xml) in every plugin process.
     */
    private static final long GO_ZERO_SECONDS = -62135596800L;

    private ProtoConvert() {
    }

    static io.tresor.proto.velero.ResourceSelector selector(ResourceSelector s) {
        ResourceSelector sel = s == null ? ResourceSelector.all() : s;
        return io.tresor.proto.velero.ResourceSelector.newBuilder()
                .addAllIncludedNamespaces(sel.includedNamespaces())
                .addAllExcludedNamespaces(sel.excludedNamespaces())
                .addAllIncludedResources(sel.includedResources())
                .addAllExcludedResources(sel.excludedResources())
                .setSelector(sel.labelSelector())
                .build();
    }

    static io.tresor.proto.velero.ResourceIdentifier identifier(ResourceIdentifier id) {
        return io.tresor.proto.velero.ResourceIdentifier.newBuilder()
                .setGroup(id.group())
                .setResource(id.resource())
                .setNamespace(id.namespace())
                .setName(id.name())
                .build();
    }

    static List<io.tresor.proto.velero.ResourceIdentifier> identifiers(List<ResourceIdentifier> ids) {
        List<io.tresor.proto.velero.ResourceIdentifier> out = new ArrayList<>(ids.size());
        for (ResourceIdentifier id : ids) {
            out.add(identifier(id));
        }
        return out;
    }

    static List<ResourceIdentifier> fromProto(List<io.tresor.proto.velero.ResourceIdentifier> ids) {
        List<ResourceIdentifier> out = new ArrayList<>(ids.size());
        for (io.tresor.proto.velero.ResourceIdentifier id : ids) {
            out.add(new ResourceIdentifier(id.getGroup(), id.getResource(), id.getNamespace(), id.getName()));
        }
        return out;
    }

    /** Always a complete message: Velero dereferences {@code progress} unconditionally. */
    static io.tresor.proto.velero.OperationProgress progress(OperationProgress p) {
        if (p == null) {
            throw new IllegalStateException("action returned no progress");
        }
        return io.tresor.proto.velero.OperationProgress.newBuilder()
                .setCompleted(p.completed())
                .setErr(p.error())
                .setNCompleted(p.completedUnits())
                .setNTotal(p.totalUnits())
                .setOperationUnits(p.units())
                .setDescription(p.description())
                .setStarted(timestamp(p.started()))
                .setUpdated(timestamp(p.updated()))
                .build();
    }

    static Timestamp timestamp(Instant t) {
        if (t == null) {
            return Timestamp.newBuilder().setSeconds(GO_ZERO_SECONDS).build();
        }
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
