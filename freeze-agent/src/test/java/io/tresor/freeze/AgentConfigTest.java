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
}
