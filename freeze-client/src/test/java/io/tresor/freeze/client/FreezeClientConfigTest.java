package io.tresor.freeze.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.freeze.client.FreezeClientConfig.TlsMode;
import java.io.IOException;
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
import org.junit.jupiter.params.provider.ValueSource;

/** The client's settings from the environment, and a broken CA file failing when the client is created. */
class FreezeClientConfigTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final String TLS = FreezeClientConfig.TLS_ENV;
  private static final String CA = FreezeClientConfig.CA_FILE_ENV;
  private static final String NAME = FreezeClientConfig.TLS_SERVER_NAME_ENV;
  /** Stands for the service CA file of the test's service-account directory in the tables. */
  private static final String SERVICE_CA = "<service-ca.crt>";
  private static final TlsMode AUTO = TlsMode.AUTO;
  private static final TlsMode ON = TlsMode.ON;
  private static final TlsMode OFF = TlsMode.OFF;

  @TempDir
  Path serviceAccount;

  static Stream<Arguments> environments() {
    String svc = "tresor-freeze-agent.tresor.svc";
    return Stream.of(
        // auto: the CA file, else the service CA when it exists, else plaintext
        Arguments.of(Map.of(), false, AUTO, null, svc),
        Arguments.of(Map.of(), true, AUTO, SERVICE_CA, svc),
        Arguments.of(Map.of(TLS, "auto"), true, AUTO, SERVICE_CA, svc),
        Arguments.of(Map.of(TLS, "", CA, ""), true, AUTO, SERVICE_CA, svc),
        Arguments.of(Map.of(TLS, "  ", CA, "  "), false, AUTO, null, svc),
        Arguments.of(Map.of(CA, "/etc/tresor/agent-ca/ca.crt"), true, AUTO, "/etc/tresor/agent-ca/ca.crt", svc),
        Arguments.of(Map.of(CA, "/etc/tresor/agent-ca/ca.crt"), false, AUTO, "/etc/tresor/agent-ca/ca.crt", svc),
        // on: the same, but never plaintext (see onWithoutACaIsRefused)
        Arguments.of(Map.of(TLS, "on"), true, ON, SERVICE_CA, svc),
        Arguments.of(Map.of(TLS, " ON ", CA, "/ca.crt"), false, ON, "/ca.crt", svc),
        Arguments.of(Map.of(TLS, "on", CA, "/ca.crt"), true, ON, "/ca.crt", svc),
        // off: plaintext even where the service CA exists
        Arguments.of(Map.of(TLS, "off"), true, OFF, null, svc),
        Arguments.of(Map.of(TLS, "Off", CA, ""), false, OFF, null, svc),
        // the server name follows the namespace unless set
        Arguments.of(Map.of(CA, "/ca.crt", "TRESOR_FREEZE_AGENT_NAMESPACE", "openshift-adp"), false, AUTO, "/ca.crt",
            "tresor-freeze-agent.openshift-adp.svc"),
        Arguments.of(Map.of(CA, "/ca.crt", NAME, "agents.example.internal"), false, AUTO, "/ca.crt",
            "agents.example.internal"),
        Arguments.of(Map.of(CA, "/ca.crt", NAME, ""), false, AUTO, "/ca.crt", svc));
  }

  private Path serviceCa(boolean exists) throws IOException {
    Path file = serviceAccount.resolve("service-ca.crt");
    return exists ? Files.writeString(file, "any content: only its existence counts here\n") : file;
  }

  @ParameterizedTest
  @MethodSource("environments")
  void tlsCaFileAndServerNameFromTheEnvironment(Map<String, String> env, boolean serviceCaExists, TlsMode mode,
                                                String caFile, String serverName) throws IOException {
    Path serviceCa = serviceCa(serviceCaExists);
    FreezeClientConfig c = FreezeClientConfig.fromEnvironment(env, TIMEOUT, serviceCa);
    assertThat(c.tls()).isEqualTo(mode);
    assertThat(c.caFile()).isEqualTo(caFile == null ? null : caFile.equals(SERVICE_CA) ? serviceCa : Path.of(caFile));
    assertThat(c.caFromServiceAccount()).isEqualTo(SERVICE_CA.equals(caFile));
    assertThat(c.tlsServerName()).isEqualTo(serverName);
    assertThat(c.callTimeout()).isEqualTo(TIMEOUT);
  }

  @Test
  void onWithoutACaIsRefusedNamingBothVariablesAndTheFileLookedFor() throws IOException {
    Path serviceCa = serviceCa(false);
    assertThatThrownBy(() -> FreezeClientConfig.fromEnvironment(Map.of(TLS, "on"), TIMEOUT, serviceCa))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_TLS=on")
        .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE is unset")
        .hasMessageContaining(serviceCa + " (OpenShift's service CA")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("TRESOR_FREEZE_AGENT_TLS=off");
  }

  @Test
  void offWithACaFileIsRefusedAsContradictory() throws IOException {
    Path serviceCa = serviceCa(true);
    assertThatThrownBy(() -> FreezeClientConfig.fromEnvironment(Map.of(TLS, "off", CA, "/ca.crt"), TIMEOUT,
        serviceCa))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_TLS=off and TRESOR_FREEZE_AGENT_CA_FILE=/ca.crt contradict")
        .hasMessageContaining("Unset TRESOR_FREEZE_AGENT_CA_FILE")
        .hasMessageContaining("unset TRESOR_FREEZE_AGENT_TLS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "yes", "tls", "plaintext", "of"})
  void anUnknownTlsSettingIsRefusedNamingTheVariableTheValueAndTheChoices(String value) throws IOException {
    Path serviceCa = serviceCa(true);
    assertThatThrownBy(() -> FreezeClientConfig.fromEnvironment(Map.of(TLS, value), TIMEOUT, serviceCa))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRESOR_FREEZE_AGENT_TLS=" + value + " is not a TLS setting")
        .hasMessageContaining("auto")
        .hasMessageContaining("on (")
        .hasMessageContaining("off (");
  }

  @Test
  void theDefaultsLookAtNoFileAndTheEnvironmentLooksWhereOpenShiftProjectsTheServiceCa() {
    assertThat(FreezeClientConfig.defaults(TIMEOUT).caFile()).isNull();
    assertThat(FreezeClientConfig.defaults(TIMEOUT).serviceCaFile())
        .isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt"));
    // whatever this host has there: the two-argument form uses that path
    assertThat(FreezeClientConfig.fromEnvironment(Map.of(TLS, "off"), TIMEOUT).serviceCaFile())
        .isEqualTo(FreezeClientConfig.IN_CLUSTER_SERVICE_CA);
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
  void anEmptyServiceCaFailsAtCreationAndIsNeverADowngradeToPlaintext() throws IOException {
    Path serviceCa = Files.createFile(serviceAccount.resolve("service-ca.crt"));
    FreezeClientConfig auto = FreezeClientConfig.fromEnvironment(Map.of(), TIMEOUT, serviceCa);
    assertThatThrownBy(() -> new FreezerCalls(Optional::empty, TIMEOUT, auto))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(serviceCa + " (OpenShift's service CA from the pod's service-account volume): "
            + "the file holds no certificate")
        .hasMessageContaining("holds no certificate")
        .hasMessageContaining("set TRESOR_FREEZE_AGENT_CA_FILE")
        .hasMessageContaining("TRESOR_FREEZE_AGENT_TLS=off");
  }

  @Test
  void onlyAPlaintextClientWarnsAndTheWarningSaysHowToEnableTls() {
    assertThat(AgentTransport.of(FreezeClientConfig.defaults(TIMEOUT)).plaintextNotice()).hasValueSatisfying(w ->
        assertThat(w).contains("in clear").contains("TRESOR_FREEZE_AGENT_CA_FILE is unset")
            .contains("no /var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt").contains("TRESOR_TLS_CERT"));
    assertThat(AgentTransport.of(FreezeClientConfig.defaults(TIMEOUT).withTlsOff()).plaintextNotice())
        .hasValueSatisfying(w -> assertThat(w).contains("in clear").contains("TRESOR_FREEZE_AGENT_TLS=off")
            .contains("unset TRESOR_FREEZE_AGENT_TLS"));
  }
}
