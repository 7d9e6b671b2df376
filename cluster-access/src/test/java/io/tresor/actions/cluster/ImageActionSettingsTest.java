package io.tresor.actions.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry idle timeout setting: default, accepted values, and refusals that name the variable and the range. */
class ImageActionSettingsTest {
    @Test
    void theRegistryIdleTimeoutDefaultsTo60SecondsAndIsReadFromTheEnvironment() {
        assertThat(ImageActionSettings.fromEnvironment(Map.of()).registryIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ImageActionSettings.fromEnvironment(Map.of("TRESOR_REGISTRY_IDLE_TIMEOUT_SECONDS", " 15 "))
                .registryIdleTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aBadRegistryIdleTimeoutIsRefusedWithTheVariableAndTheRange() {
        for (String bad : new String[] {"0", "-5", "3601", "60s", "PT60S"}) {
            assertThatThrownBy(() -> ImageActionSettings.fromEnvironment(Map.of("TRESOR_REGISTRY_IDLE_TIMEOUT_SECONDS", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("TRESOR_REGISTRY_IDLE_TIMEOUT_SECONDS='" + bad + "' is not a whole number of seconds from 1 to 3600:"
                            + " fix the Velero container's env");
        }
    }
}
