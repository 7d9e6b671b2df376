package io.tresor.webhook.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tresor.webhook.policy.PolicyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the YAML policy file (mounted from a ConfigMap); a typo in a knob is an error, never a silent default. */
public final class PolicyFile {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private PolicyFile() {
    }

    /** The policy in {@code file}, or the safe defaults when {@code file} is null. */
    public static PolicyConfig load(Path file) throws IOException {
        if (file == null) {
            return PolicyConfig.defaults();
        }
        return parse(Files.readString(file));
    }

    public static PolicyConfig parse(String yaml) throws IOException {
        if (yaml.isBlank()) {
            return PolicyConfig.defaults();
        }
        try {
            PolicyConfig config = YAML.readValue(yaml, PolicyConfig.class);
            return config == null ? PolicyConfig.defaults() : config;
        } catch (UnrecognizedPropertyException e) {
            throw new IOException("policy file: unknown knob '" + e.getPropertyName() + "'; known knobs: "
                    + e.getKnownPropertyIds(), e);
        }
    }
}
