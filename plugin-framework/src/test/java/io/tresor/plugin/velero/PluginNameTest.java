package io.tresor.plugin.velero;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"tresor.io/imagestream-capture", "tresor.io/volumesnapshot-thaw", "example.io/x",
            "a/b", "my-org.example.com/restore-pluginv2"})
    void acceptsWhatVeleroAccepts(String name) {
        assertThat(PluginName.validate(name)).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "imagestream-capture          | exactly one '/'",
            "tresor.io/a/b                | exactly one '/'",
            "tresor.io/                   | nothing after",
            "Tresor.io/x                  | DNS-1123",
            "-tresor.io/x                 | DNS-1123",
            "tresor_io/x                  | DNS-1123",
            "/x                           | DNS-1123",
            "velero.io/pod                | Velero's own prefix",
            "''                           | empty",
    })
    void refusesWhatWouldStopVeleroAtStart(String name, String reason) {
        assertThatThrownBy(() -> PluginName.validate(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
