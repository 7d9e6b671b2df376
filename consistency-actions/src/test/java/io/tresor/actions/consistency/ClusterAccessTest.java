package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.plugin.logging.LogLevel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Freeze-client settings the client refuses never stop the plugin: they read as a client that cannot be set up. */
class ClusterAccessTest {

  @Test
  void aRefusedTlsSettingIsOneWarnLinePerProcessAndTheAgentsAreUnavailable() throws Exception {
    Map<String, String> env = Map.of("TRESOR_FREEZE_AGENT_TLS", "maybe");
    try (CapturedLog log = new CapturedLog(LogLevel.DEBUG)) {
      for (int i = 0; i < 2; i++) {
        ClusterAccess access = ClusterAccess.fromEnvironment(env);
        assertThatThrownBy(access::freeze).isInstanceOf(ClusterAccess.SetupFailed.class);
        assertThatThrownBy(access::freeze).isInstanceOf(ClusterAccess.SetupFailed.class);
      }
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("tresor cannot call the freeze agents: TRESOR_FREEZE_AGENT_TLS=maybe is not a TLS setting")
          .contains("auto").contains("recorded as unknown"));
      assertThat(log.at("debug")).hasSize(1);
      assertThat(log.at("error")).isEmpty();
    }
  }

  @Test
  void offWithACaFileIsRefusedTheSameWay() throws Exception {
    Map<String, String> env = Map.of("TRESOR_FREEZE_AGENT_TLS", "off",
        "TRESOR_FREEZE_AGENT_CA_FILE", "/var/run/tresor-agent-ca/service-ca.crt");
    try (CapturedLog log = new CapturedLog(LogLevel.DEBUG)) {
      assertThatThrownBy(ClusterAccess.fromEnvironment(env)::freeze).isInstanceOf(ClusterAccess.SetupFailed.class);
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("TRESOR_FREEZE_AGENT_TLS=off and TRESOR_FREEZE_AGENT_CA_FILE=/var/run/tresor-agent-ca/"
              + "service-ca.crt contradict each other"));
    }
  }
}
