package io.tresor.webhook.admission;

import io.tresor.webhook.policy.AdmissionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an internal error into a clear denial: what cannot be judged is refused (design §6). */
public final class FailClosed implements AdmissionFunction {

    private static final Logger LOG = LoggerFactory.getLogger(FailClosed.class);

    private final AdmissionFunction inner;

    public FailClosed(AdmissionFunction inner) {
        this.inner = inner;
    }

    @Override
    public AdmissionResponse apply(AdmissionRequest request) {
        try {
            return inner.apply(request);
        } catch (RuntimeException | StackOverflowError e) {
            // the exception class only: messages of lookup errors could carry object content
            LOG.error("internal error judging {} (uid {}): {}", request.subject(), request.uid(), e.getClass().getName());
            // an own decision value, so that operators can alert on it apart from policy denials
            return AdmissionResponse.internalError(request.uid(), "tresor could not judge " + request.subject()
                    + " because of an internal error (" + e.getClass().getSimpleName() + "), so it is refused to stay "
                    + "safe; retry in a moment, and if it persists ask your cluster admin to check the tresor-webhook logs");
        }
    }
}
