package io.tresor.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static final String SA = "--allowed-service-accounts=system:serviceaccount:tresor:tresor-webhook";

  @Test
  void flagsWinOverEnvironmentWhichWinsOverDefaults() {
    AgentConfig c = AgentConfig.parse(new String[] {SA, "--lease-default-seconds=20"},
        Map.of("TRESOR_LEASE_DEFAULT_SECONDS", "40", "TRESOR_CSI_DRIVERS", "a.csi, b.csi", "NODE_NAME", "n1"));
    assertThat(c.defaultLease()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.maxLease()).isEqualTo(Duration.ofSeconds(600));
    assertThat(c.csiDrivers()).containsExactly("a.csi", "b.csi");
    assertThat(c.nodeName()).isEqualTo("n1");
    assertThat(c.kubeletPodsDir()).isEqualTo(Path.of("/var/lib/kubelet/pods"));
    assertThat(c.freezer()).isEqualTo("ioctl");
  }

  @Test
  void theCertificateIsReReadEveryMinuteUnlessSetOtherwise() {
    assertThat(AgentConfig.parse(new String[] {SA}, Map.of()).tlsReload()).isEqualTo(Duration.ofSeconds(60));
    assertThat(AgentConfig.parse(new String[] {SA}, Map.of("TRESOR_TLS_RELOAD_SECONDS", "5")).tlsReload())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(AgentConfig.parse(new String[] {SA, "--tls-reload-seconds=1"}, Map.of("TRESOR_TLS_RELOAD_SECONDS", "5"))
        .tlsReload()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aReloadPeriodThatIsNoPositiveNumberOfSecondsSaysWhatIsWrongAndWhatToSet() {
    for (String[] bad : new String[][] {
        {"0", "is not positive"}, {"-5", "is not positive"}, {"1m", "is not a whole number"},
        {"", "is not a whole number"}, {"2.5", "is not a whole number"}, {"86401", "is more than a day"}}) {
      assertThatThrownBy(() -> AgentConfig.parse(new String[] {SA, "--tls-reload-seconds=" + bad[0]}, Map.of()))
          .as(bad[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--tls-reload-seconds=" + bad[0] + " " + bad[1])
          .hasMessageContaining("TRESOR_TLS_RELOAD_SECONDS")
          .hasMessageContaining("1 to 86400, default 60");
    }
  }

  @Test
  void everyNumberFlagSaysWhatIsWrongWithItsValueAndWhatToSet() {
    for (String[] bad : new String[][] {
        {"port", "9443x", "is not a whole number", "0 to 65535, default 9443"},
        {"port", "70000", "is too large", "0 to 65535, default 9443"},
        {"metrics-port", "-1", "is too small", "0 to 65535, default 9090"},
        {"lease-default-seconds", "0", "is not positive", "1 to 86400, default 30"},
        {"lease-max-seconds", "10m", "is not a whole number", "1 to 86400, default 600"},
        {"freeze-timeout-seconds", "601", "is too large", "1 to 600, default 10"},
        {"token-cache-seconds", "", "is not a whole number", "0 to 3600, default 10"},
        {"token-cache-seconds", "-3", "is too small", "0 to 3600, default 10"}}) {
      assertThatThrownBy(() -> AgentConfig.parse(new String[] {SA, "--" + bad[0] + "=" + bad[1]}, Map.of()))
          .as("%s=%s", bad[0], bad[1])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--" + bad[0] + "=" + bad[1] + " " + bad[2])
          .hasMessageContaining(AgentConfig.envName(bad[0]))
          .hasMessageContaining(bad[3]);
    }
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {SA, "--lease-default-seconds=700"}, Map.of()))
        .hasMessage("--lease-default-seconds=700 is more than --lease-max-seconds=600; lower the default or raise the "
            + "maximum");
    assertThat(AgentConfig.parse(new String[] {SA, "--port=0", "--metrics-port=0", "--token-cache-seconds=0"}, Map.of()))
        .satisfies(c -> assertThat(c.port()).isZero())
        .satisfies(c -> assertThat(c.tokenCacheTtl()).isZero());
  }

  @Test
  void mistakesStopTheAgent() {
    for (String[] bad : new String[][] {
        {SA, "--lease-defualt-seconds=20"},
        {},
        {SA, "--lease-default-seconds=700"},
        {SA, "--freezer=magic"},
        {SA, "--tls-cert=/x.crt"},
        {SA, "positional"}}) {
      assertThatThrownBy(() -> AgentConfig.parse(bad, Map.of())).as(String.join(" ", bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theLogLevelIsOneOfSlf4jSimplesLevelsOrUnset() {
    assertThat(AgentConfig.parse(new String[] {SA}, Map.of()).logLevel()).isEmpty();
    assertThat(AgentConfig.parse(new String[] {SA}, Map.of("TRESOR_LOG_LEVEL", "DEBUG")).logLevel()).isEqualTo("debug");
    assertThat(AgentConfig.parse(new String[] {SA, "--log-level=warn"}, Map.of("TRESOR_LOG_LEVEL", "debug")).logLevel())
        .isEqualTo("warn");
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {SA}, Map.of("TRESOR_LOG_LEVEL", "verbose")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--log-level=verbose is not a log level; set it (or env TRESOR_LOG_LEVEL) to one of trace, debug, "
            + "info, warn, error, or leave it unset for info");
  }
}
