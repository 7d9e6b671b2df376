package io.tresor.webhook.policy;

import java.util.Map;
import java.util.Set;

/**
 * What the policy may know about a Secret: its labels, the length of each data value, and the setting names each value
 * would give as an AWS credentials file ({@link CredentialSettings}). The bytes themselves never leave the lookup that
 * read them.
 */
public record SecretFacts(Map<String, String> labels, Map<String, Integer> valueLengths,
        Map<String, Set<String>> settingNames) {

    public SecretFacts {
        labels = Map.copyOf(labels);
        valueLengths = Map.copyOf(valueLengths);
        settingNames = Map.copyOf(settingNames);
    }
}
