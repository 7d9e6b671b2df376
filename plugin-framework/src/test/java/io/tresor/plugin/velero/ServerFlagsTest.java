package io.tresor.plugin.velero;

import io.tresor.plugin.logging.LogLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ServerFlagsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "--log-level info                                              | INFO  | ''",
            "--log-level=debug                                             | DEBUG | ''",
            "-log-level trace                                              | TRACE | ''",
            "--log-level warning                                           | WARN  | ''",
            "--log-level=panic                                             | ERROR | ''",
            "--log-level fatal                                             | ERROR | ''",
            "--uploader-type=kopia --features=EnableCSI                    | INFO  | EnableCSI",
            "--features EnableCSI,EnableAPIGroupVersions --log-level error | ERROR | EnableCSI,EnableAPIGroupVersions",
            "--default-volumes-to-fs-backup --log-level debug --x y        | DEBUG | ''",
            "--log-level=verbose                                           | INFO  | ''",
            "--log-level                                                   | INFO  | ''",
            "''                                                            | INFO  | ''",
    })
    void parsesVelerosFlagsInBothFormsAndIgnoresTheRest(String argv, LogLevel level, String features) {
        ServerFlags f = ServerFlags.parse(argv.isBlank() ? new String[0] : argv.trim().split("\\s+"));
        assertThat(f.logLevel()).isEqualTo(level);
        if (features.isEmpty()) {
            assertThat(f.features()).isEmpty();
        } else {
            assertThat(f.features()).containsExactlyInAnyOrder(features.split(","));
        }
    }

    @ParameterizedTest
    @CsvSource({"--log-level=verbose", "--log-level"})
    void aBadLogLevelIsReportedNotFatal(String arg) {
        assertThat(ServerFlags.parse(new String[] {arg}).problems()).singleElement().asString().contains("--log-level");
    }
}
