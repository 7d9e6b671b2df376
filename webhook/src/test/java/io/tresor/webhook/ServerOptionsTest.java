package io.tresor.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    @Test
    void aLogLevelThatIsNoneOfSlf4jSimplesLevelsStopsTheStartNamingTheVariable() {
        assertThat(ServerOptions.parse(new String[0], Map.of("TRESOR_LOG_LEVEL", "Debug")).logLevel()).isEqualTo("debug");
        assertThat(ServerOptions.parse(new String[] {"--log-level", "warn"}, Map.of("TRESOR_LOG_LEVEL", "debug"))
                .logLevel()).isEqualTo("warn");
        assertThat(ServerOptions.parse(new String[0], Map.of()).logLevel()).isEmpty();
        assertThatThrownBy(() -> ServerOptions.parse(new String[0],
                Map.of("TRESOR_LOG_LEVEL", "verbose"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--log-level verbose is not a log level; set it (or env TRESOR_LOG_LEVEL) to one of trace, "
                        + "debug, info, warn, error, or leave it unset for info");
    }
}
