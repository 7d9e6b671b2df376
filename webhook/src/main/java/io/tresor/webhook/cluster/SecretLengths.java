package io.tresor.webhook.cluster;

import io.tresor.webhook.policy.CredentialSettings;
import io.tresor.webhook.policy.SecretFacts;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Secret's base64 data into value lengths and credentials setting names, decoding each value once; the
 * decoded bytes are wiped and never kept.
 */
final class SecretLengths {

    private SecretLengths() {
    }

    /**
     * The facts the policy may see. A value that is not base64 gets length -1 and no setting names (the API server
     * never stores such a value).
     */
    static SecretFacts facts(Map<String, String> labels, Map<String, String> data) {
        Map<String, Integer> lengths = new HashMap<>();
        Map<String, Set<String>> names = new HashMap<>();
        if (data != null) {
            data.forEach((key, encoded) -> {
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(encoded == null ? "" : encoded.trim());
                } catch (IllegalArgumentException e) {
                    lengths.put(key, -1);
                    return;
                }
                lengths.put(key, raw.length);
                names.put(key, CredentialSettings.names(raw));
                Arrays.fill(raw, (byte) 0);
            });
        }
        return new SecretFacts(labels, lengths, names);
    }
}
