package io.tresor.webhook.freeze;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FreezeSettingsTest {

    @Test
    void leaseDefaultsToTheAgentsAndVeleroToTheOadpNamespacesAccount() {
        FreezeSettings s = FreezeSettings.fromEnvironment(Map.of(), "openshift-adp");
        assertThat(s.leaseSeconds()).isZero();
        assertThat(s.veleroUser()).isEqualTo("system:serviceaccount:openshift-adp:velero");
        assertThat(FreezeSettings.fromEnvironment(Map.of("TRESOR_FREEZE_LEASE_SECONDS", " 120 "), "x").leaseSeconds())
                .isEqualTo(120);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"2m|is not a whole number", "''|is not a whole number",
            "-1|is out of range", "86401|is out of range"})
    void aBadLeaseSaysWhatIsWrongAndWhatToSet(String value, String problem) {
        assertThatThrownBy(() -> FreezeSettings.fromEnvironment(Map.of("TRESOR_FREEZE_LEASE_SECONDS", value), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TRESOR_FREEZE_LEASE_SECONDS=" + value + " " + problem)
                .hasMessageContaining("0 (the agent's default) to 86400");
    }
}
