package io.tresor.webhook.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.tresor.webhook.admission.AdmissionFunction;
import io.tresor.webhook.admission.AdmissionResponse;
import io.tresor.webhook.admission.AdmissionReviewCodec;
import io.tresor.webhook.admission.MalformedReviewException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** One admission endpoint: transport checks (type, size, JSON), then decode → decide → respond. */
public final class ReviewEndpoint implements Handler {

    /** The apiserver never sends more than 3 MiB (its request size limit). */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private final AdmissionReviewCodec codec;
    private final AdmissionFunction function;

    public ReviewEndpoint(AdmissionReviewCodec codec, AdmissionFunction function) {
        this.codec = codec;
        this.function = function;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            plain(ctx, 415, "Content-Type must be application/json, got '" + type + "'");
            return;
        }
        if (ctx.contentLength() > MAX_BODY_BYTES) {
            plain(ctx, 413, "body exceeds " + MAX_BODY_BYTES + " bytes, the apiserver's limit");
            return;
        }
        byte[] body = readBounded(ctx.bodyInputStream());
        if (body == null) {
            plain(ctx, 413, "body exceeds " + MAX_BODY_BYTES + " bytes, the apiserver's limit");
            return;
        }
        AdmissionReviewCodec.Review review;
        try {
            review = codec.decode(body);
        } catch (MalformedReviewException e) {
            plain(ctx, 400, "malformed AdmissionReview: " + e.getMessage());
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

    static void plain(Context ctx, int status, String message) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    }
}
