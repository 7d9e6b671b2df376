package io.tresor.webhook.admission;

import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.Decision;
import io.tresor.webhook.policy.TenantPolicy;
import java.util.function.Supplier;

/** {@code /validate}: the tenant policy against the current cluster view and policy. */
public final class Validation implements AdmissionFunction {

    private final Supplier<TenantPolicy> policy;
    private final ClusterView view;

    public Validation(Supplier<TenantPolicy> policy, ClusterView view) {
        this.policy = policy;
        this.view = view;
    }

    @Override
    public AdmissionResponse apply(AdmissionRequest request) {
        Decision decision = policy.get().decide(request, view);
        return decision.allowed()
                ? AdmissionResponse.allow(request.uid(), decision.warnings())
                : AdmissionResponse.deny(request.uid(), decision.message(), decision.warnings());
    }
}
