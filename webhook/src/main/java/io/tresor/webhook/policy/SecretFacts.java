package io.tresor.webhook.policy;

import java.util.Map;

/**
 * What the policy may know about a Secret: its labels and the length of each data value.
 * The bytes themselves never leave the lookup that read them.
 */
public record SecretFacts(Map<String, String> labels, Map<String, Integer> valueLengths) {

    public SecretFacts {
        labels = Map.copyOf(labels);
        valueLengths = Map.copyOf(valueLengths);
    }
}
