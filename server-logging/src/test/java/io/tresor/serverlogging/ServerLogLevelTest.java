package io.tresor.serverlogging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerLogLevelTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "trace    | trace",
        "Debug    | debug",
        "INFO     | info",
        "' warn ' | warn",
        "error    | error",
        "''       | ''",
        "'  '     | ''",
    })
    void namesAnyCaseAroundBlanksBlankIsUnset(String value, String level) {
        assertThat(ServerLogLevel.parse(value, "--log-level ")).isEqualTo(level);
    }

    @ParameterizedTest
    @ValueSource(strings = {"verbose", "warning", "fine", "off", "all", "1"})
    void otherValuesAreRefusedNamingFlagValueVariableAndLevels(String value) {
        assertThatThrownBy(() -> ServerLogLevel.parse(value, "--log-level="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--log-level=" + value + " is not a log level; set it (or env TRESOR_LOG_LEVEL) to one of "
                        + "trace, debug, info, warn, error, or leave it unset for info");
    }
}
