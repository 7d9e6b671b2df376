package io.tresor.webhook.admission;

import java.util.List;

/**
 * The response half of an AdmissionReview.
 *
 * @param patch JSONPatch bytes, or null for none
 */
public record AdmissionResponse(String uid, boolean allowed, int code, String message, List<String> warnings,
        byte[] patch) {

    public AdmissionResponse {
        warnings = List.copyOf(warnings);
    }

    public static AdmissionResponse deny(String uid, String message, List<String> warnings) {
        return new AdmissionResponse(uid, false, 403, message, warnings, null);
    }

    public static AdmissionResponse allow(String uid, List<String> warnings) {
        return new AdmissionResponse(uid, true, 200, "", warnings, null);
    }

    public String decision() {
        return allowed ? (patch != null ? "patched" : warnings.isEmpty() ? "allowed" : "warned") : "denied";
    }
}
