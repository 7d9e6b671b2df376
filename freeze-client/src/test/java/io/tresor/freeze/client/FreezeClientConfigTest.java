package io.tresor.freeze.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The client's settings from the environment, and a broken CA file failing when the client is created. */
class FreezeClientConfigTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final String CA = FreezeClientConfig.CA_FILE_ENV;
  private static final String NAME = FreezeClientConfig.TLS_SERVER_NAME_ENV;

  static Stream<Arguments> environments() {
    return Stream.of(
        Arguments.of(Map.of(), null, "tresor-freeze-agent.tresor.svc"),
        Arguments.of(Map.of(CA, ""), null, "tresor-freeze-agent.tresor.svc"),
        Arguments.of(Map.of(CA, "  "), null, "tresor-freeze-agent.tresor.svc"),
        Arguments.of(Map.of(CA, "/etc/tresor/agent-ca/service-ca.crt"), "/etc/tresor/agent-ca/service-ca.crt",
            "tresor-freeze-agent.tresor.svc"),
        Arguments.of(Map.of(CA, "/ca.crt", "TRESOR_FREEZE_AGENT_NAMESPACE", "openshift-adp"), "/ca.crt",
            "tresor-freeze-agent.openshift-adp.svc"),
        Arguments.of(Map.of(CA, "/ca.crt", NAME, "agents.example.internal"), "/ca.crt", "agents.example.internal"),
        Arguments.of(Map.of(CA, "/ca.crt", NAME, ""), "/ca.crt", "tresor-freeze-agent.tresor.svc"));
  }

  @ParameterizedTest
  @MethodSource("environments")
  void caFileAndServerNameFromTheEnvironment(Map<String, String> env, String caFile, String serverName) {
    FreezeClientConfig c = FreezeClientConfig.fromEnvironment(env, TIMEOUT);
    assertThat(c.caFile()).isEqualTo(caFile == null ? null : Path.of(caFile));
    assertThat(c.tlsServerName()).isEqualTo(serverName);
    assertThat(c.callTimeout()).isEqualTo(TIMEOUT);
  }

  @Test
  void theOtherSettingsAreKept() {
    FreezeClientConfig c = FreezeClientConfig.fromEnvironment(Map.of("TRESOR_FREEZE_AGENT_NAMESPACE", "ns",
        "TRESOR_FREEZE_AGENT_SELECTOR", "app=agent", "TRESOR_FREEZE_TOKEN_FILE", "/t", CA, "/ca.crt"), TIMEOUT);
    assertThat(c.agentNamespace()).isEqualTo("ns");
    assertThat(c.agentLabelSelector()).isEqualTo("app=agent");
    assertThat(c.tokenFile()).isEqualTo(Path.of("/t"));
    assertThat(c.withCallTimeout(Duration.ofSeconds(9)).caFile()).isEqualTo(Path.of("/ca.crt"));
    assertThat(c.withTokenFile(Path.of("/u")).tlsServerName()).isEqualTo("tresor-freeze-agent.ns.svc");
  }

  private static FreezerCalls calls(Path ca) {
    return new FreezerCalls(Optional::empty, TIMEOUT,
        FreezeClientConfig.fromEnvironment(Map.of(CA, ca.toString()), TIMEOUT));
  }

  @Test
  void aMissingCaFileFailsAtCreationNamingVariablePathAndFix(@TempDir Path dir) {
    Path missing = dir.resolve("agent-ca/service-ca.crt");
    assertThatThrownBy(() -> calls(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE=" + missing)
        .hasMessageContaining("no such file")
        .hasMessageContaining("service.beta.openshift.io/inject-cabundle")
        .hasMessageContaining("unset TRESOR_FREEZE_AGENT_CA_FILE");
  }

  @Test
  void anEmptyCaFileFailsAtCreation(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("service-ca.crt"));
    assertThatThrownBy(() -> calls(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE=" + empty)
        .hasMessageContaining("holds no certificate")
        .hasMessageContaining("inject-cabundle");
  }

  @Test
  void aCaFileThatIsNoCertificateFailsAtCreation(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("service-ca.crt"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
        + "-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> calls(junk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE=" + junk)
        .hasMessageContaining("not a PEM certificate bundle");
  }

  @Test
  void aDirectoryIsUnreadableAsACaFile(@TempDir Path dir) {
    assertThatThrownBy(() -> calls(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE=" + dir)
        .hasMessageContaining("cannot read it");
  }

  @Test
  void onlyAPlaintextClientWarnsAndTheWarningSaysHowToEnableTls() {
    assertThat(AgentTransport.of(FreezeClientConfig.defaults(TIMEOUT)).plaintextNotice()).hasValueSatisfying(w ->
        assertThat(w).contains("in clear").contains("TRESOR_FREEZE_AGENT_CA_FILE").contains("TRESOR_TLS_CERT"));
  }
}
