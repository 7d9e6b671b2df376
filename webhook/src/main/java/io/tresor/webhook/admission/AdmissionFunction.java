package io.tresor.webhook.admission;

import io.tresor.webhook.policy.AdmissionRequest;

/** Decides one admission request; wrappers add metrics and fail-closed handling around it. */
@FunctionalInterface
public interface AdmissionFunction {

    AdmissionResponse apply(AdmissionRequest request);
}
