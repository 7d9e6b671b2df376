package io.tresor.webhook.admission;

import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.KeyBinding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** {@code /mutate}: binds a controller-created BSL's SSE-C key to its synced Secret. */
public final class Mutation implements AdmissionFunction {

    private final Supplier<KeyBinding> binding;

    public Mutation(Supplier<KeyBinding> binding) {
        this.binding = binding;
    }

    @Override
    public AdmissionResponse apply(AdmissionRequest request) {
        return binding.get().patch(request)
                .map(patch -> new AdmissionResponse(request.uid(), true, 200, "", List.of(),
                        patch.toString().getBytes(StandardCharsets.UTF_8)))
                .orElseGet(() -> AdmissionResponse.allow(request.uid(), List.of()));
    }
}
