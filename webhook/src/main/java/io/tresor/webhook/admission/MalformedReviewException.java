package io.tresor.webhook.admission;

/** The body is not a usable AdmissionReview; answered with 400 and this message (never a stack trace). */
public final class MalformedReviewException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedReviewException(String message) {
        super(message, null, false, false);
    }
}
