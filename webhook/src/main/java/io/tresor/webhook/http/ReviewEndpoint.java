package io.tresor.webhook.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tresor.webhook.admission.AdmissionFunction;
import io.tresor.webhook.admission.AdmissionResponse;
import io.tresor.webhook.admission.AdmissionReviewCodec;
import io.tresor.webhook.admission.MalformedReviewException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One admission endpoint: transport checks (type, size, JSON), then decode → decide → respond. */
public final class ReviewEndpoint implements Handler {

    /** The apiserver never sends more than 3 MiB (its request size limit). */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    /** Statuses other than 200 that an endpoint answers; each is a request the apiserver could not get judged. */
    static final List<Integer> ERROR_STATUSES = List.of(400, 413, 415, 500);

    private final AdmissionReviewCodec codec;
    private final AdmissionFunction function;
    private final Map<Integer, Counter> errors;

    public ReviewEndpoint(AdmissionReviewCodec codec, AdmissionFunction function, MeterRegistry registry,
            String endpoint) {
        this.codec = codec;
        this.function = function;
        this.errors = errorCounters(registry, endpoint);
    }

    /**
     * One counter per error status, registered at zero: with failurePolicy Fail the apiserver refuses whatever was
     * not answered 200, and a series that exists before its first error lets increase() see that error.
     */
    static Map<Integer, Counter> errorCounters(MeterRegistry registry, String endpoint) {
        Map<Integer, Counter> counters = new HashMap<>();
        for (int status : ERROR_STATUSES) {
            counters.put(status, Counter.builder("tresor_webhook_review_errors")
                    .description("Admission reviews answered with an HTTP error instead of a decision")
                    .tag("endpoint", endpoint).tag("status", Integer.toString(status)).register(registry));
        }
        return Map.copyOf(counters);
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            refuse(ctx, 415, "Content-Type must be application/json, got '" + type + "'");
            return;
        }
        if (ctx.contentLength() > MAX_BODY_BYTES) {
            refuse(ctx, 413, "body exceeds " + MAX_BODY_BYTES + " bytes, the apiserver's limit");
            return;
        }
        byte[] body = readBounded(ctx.bodyInputStream());
        if (body == null) {
            refuse(ctx, 413, "body exceeds " + MAX_BODY_BYTES + " bytes, the apiserver's limit");
            return;
        }
        AdmissionReviewCodec.Review review;
        try {
            review = codec.decode(body);
        } catch (MalformedReviewException e) {
            refuse(ctx, 400, "malformed AdmissionReview: " + e.getMessage());
            return;
        }
        AdmissionResponse response = function.apply(review.request());
        ctx.status(200).contentType("application/json").result(codec.encode(review.apiVersion(), review.kind(), response));
    }

    /** The body, or null when it is larger than the limit (chunked bodies have no Content-Length). */
    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    /** Answers an HTTP error and counts it. */
    void refuse(Context ctx, int status, String message) {
        errors.get(status).increment();
        plain(ctx, status, message);
    }

    static void plain(Context ctx, int status, String message) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    }
}
