package io.tresor.webhook.cluster;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Turns a Secret's base64 data into value lengths; the decoded bytes are wiped and never kept. */
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
}
