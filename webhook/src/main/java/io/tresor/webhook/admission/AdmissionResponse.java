package io.tresor.webhook.admission;

import java.util.List;

/**
 * The response half of an AdmissionReview.
 *
 * @param patch JSONPatch bytes, or null for none
 * @param internalError a fail-closed denial because the request could not be judged (never on the wire: the
 *     requester gets the same 403 as any denial; only the metrics tell it apart)
 */
public record AdmissionResponse(String uid, boolean allowed, int code, String message, List<String> warnings,
        byte[] patch, boolean internalError) {

    public AdmissionResponse {
        warnings = List.copyOf(warnings);
    }

    public AdmissionResponse(String uid, boolean allowed, int code, String message, List<String> warnings,
            byte[] patch) {
        this(uid, allowed, code, message, warnings, patch, false);
    }

    public static AdmissionResponse deny(String uid, String message, List<String> warnings) {
        return new AdmissionResponse(uid, false, 403, message, warnings, null);
    }

    /** A denial because of an internal error ({@link FailClosed}); decision {@code error} in the metrics. */
    public static AdmissionResponse internalError(String uid, String message) {
        return new AdmissionResponse(uid, false, 403, message, List.of(), null, true);
    }

    public static AdmissionResponse allow(String uid, List<String> warnings) {
        return new AdmissionResponse(uid, true, 200, "", warnings, null);
    }

    /** The metrics' decision label: allowed, warned, patched, denied, or error (denied because of an internal error). */
    public String decision() {
        if (internalError) {
            return "error";
        }
        return allowed ? (patch != null ? "patched" : warnings.isEmpty() ? "allowed" : "warned") : "denied";
    }
}
