package io.tresor.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BSL config switches read the way Velero's Go code reads them ({@code strconv.ParseBool}). */
class FieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "true", "TRUE", "True", "yes", "on", " true", "tRuE", "false ", "2"})
    void everythingGoDoesNotReadAsFalseCountsAsOn(String value) {
        assertThat(Fields.notGoFalse(config(value), "config", "insecureSkipTLSVerify")).as(value).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "f", "F", "false", "FALSE", "False"})
    void goFalseAndEmptyCountAsOff(String value) {
        assertThat(Fields.notGoFalse(config(value), "config", "insecureSkipTLSVerify")).as(value).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"config\": {}}", "{\"config\": {\"insecureSkipTLSVerify\": null}}",
            "{\"config\": {\"insecureSkipTLSVerify\": false}}"})
    void absentNullAndJsonFalseCountAsOff(String spec) throws Exception {
        assertThat(Fields.notGoFalse(JSON.readTree(spec), "config", "insecureSkipTLSVerify")).isFalse();
    }

    private static JsonNode config(String value) {
        return JSON.createObjectNode().set("config", JSON.createObjectNode().put("insecureSkipTLSVerify", value));
    }
}
