package io.tresor.webhook.cluster;

import io.tresor.webhook.policy.CredentialSettings;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Secret's base64 data into value lengths and credentials setting names; the decoded bytes are wiped and never
 * kept.
 */
final class SecretLengths {

    private SecretLengths() {
    }

    static Map<String, Integer> of(Map<String, String> data) {
        Map<String, Integer> lengths = new HashMap<>();
        if (data == null) {
            return lengths;
        }
        data.forEach((key, encoded) -> {
            try {
                byte[] raw = Base64.getDecoder().decode(encoded == null ? "" : encoded.trim());
                lengths.put(key, raw.length);
                java.util.Arrays.fill(raw, (byte) 0);
            } catch (IllegalArgumentException e) {
                lengths.put(key, -1);
            }
        });
        return lengths;
    }

    /** Each value's setting names as an AWS credentials file; values that are not base64 are left out, like Kubernetes. */
    static Map<String, Set<String>> settingNames(Map<String, String> data) {
        Map<String, Set<String>> names = new HashMap<>();
        if (data == null) {
            return names;
        }
        data.forEach((key, encoded) -> {
            try {
                byte[] raw = Base64.getDecoder().decode(encoded == null ? "" : encoded.trim());
                names.put(key, CredentialSettings.names(raw));
                java.util.Arrays.fill(raw, (byte) 0);
            } catch (IllegalArgumentException e) {
                // no names: the length check already reports -1 for the SSE-C key; the API server never stores this
            }
        });
        return names;
    }
}
