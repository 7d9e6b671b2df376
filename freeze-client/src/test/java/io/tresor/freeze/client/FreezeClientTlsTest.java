package io.tresor.freeze.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.proto.freeze.v1.SnapshotRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the real agent serving TLS on loopback with a certificate as OpenShift's service CA issues
 * it: signed by a CA, for the Service's DNS name only (the client dials the pod IP 127.0.0.1).
 */
class FreezeClientTlsTest {
  @TempDir
  static Path dir;
  private static ConsistencyBed bed;
  /** An agent that serves plaintext, as before this default changed. */
  private static ConsistencyBed plain;
  private static Path serviceCa;
  /** A pod's service-account directory as OpenShift projects it, with the service CA bundle. */
  private static Path serviceAccountCa;
  private static Path otherCa;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(LoopVolume.exec("openssl", "version") == 0, "SKIPPED: no openssl to make certificates");
    serviceCa = ca("service-ca");
    otherCa = ca("other-ca");
    Path key = dir.resolve("tls.key");
    Path csr = dir.resolve("tls.csr");
    Path cert = dir.resolve("tls.crt");
    Path ext = Files.writeString(dir.resolve("san.ext"),
        "subjectAltName=DNS:tresor-freeze-agent.tresor.svc,DNS:tresor-freeze-agent.tresor.svc.cluster.local\n");
    LoopVolume.run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=tresor-freeze-agent.tresor.svc");
    LoopVolume.run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", serviceCa.toString(),
        "-CAkey", dir.resolve("service-ca.key").toString(), "-CAcreateserial", "-days", "1",
        "-extfile", ext.toString(), "-out", cert.toString());
    bed = new ConsistencyBed("--tls-cert=" + cert, "--tls-key=" + key);
    plain = new ConsistencyBed();
    serviceAccountCa = Files.copy(serviceCa, Files.createDirectories(dir.resolve("serviceaccount"))
        .resolve("service-ca.crt"));
  }

  private static Path ca(String name) throws IOException {
    Path cert = dir.resolve(name + ".crt");
    LoopVolume.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", dir.resolve(name + ".key").toString(), "-out", cert.toString(), "-days", "1", "-subj",
        "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return cert;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (bed != null) {
        bed.close();
      }
    } finally {
      if (plain != null) {
        plain.close();
      }
    }
  }

  private static FreezeClient client(Path ca, String serverName) throws IOException {
    FreezeClientConfig config = bed.clientConfig(TestCluster.VELERO_TOKEN);
    return FreezeClient.create(bed.cluster.client, ca == null ? config : config.withTls(ca, serverName));
  }

  private static SnapshotRef ref() {
    return SnapshotRef.newBuilder().setNamespace(ConsistencyBed.NS).setName("nightly-abc").build();
  }

  @Test
  void theServiceCaAndTheServiceNameReachTheAgentByPodIp() throws Exception {
    try (FreezeClient c = client(serviceCa, FreezeClientConfig.serviceName("tresor"))) {
      assertThat(c.status(ConsistencyBed.NODE, ref())).isEmpty();
    }
  }

  @Test
  void anotherCaIsATlsCertificateFailure() throws Exception {
    try (FreezeClient c = client(otherCa, FreezeClientConfig.serviceName("tresor"))) {
      assertThatThrownBy(() -> c.status(ConsistencyBed.NODE, ref()))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("tresor-freeze-agent-worker-1")
          .hasMessageContaining("TLS handshake failed")
          .hasMessageContaining("certificate")
          .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE (" + otherCa + ")")
          .hasMessageNotContaining("\n")
          .hasMessageNotContaining(TestCluster.VELERO_TOKEN);
    }
  }

  @Test
  void theRightCaForAnotherNameIsATlsFailureToo() throws Exception {
    // without the override the pod IP would be checked; with a wrong name the certificate must not pass either
    try (FreezeClient c = client(serviceCa, "tresor-freeze-agent.elsewhere.svc")) {
      assertThatThrownBy(() -> c.status(ConsistencyBed.NODE, ref()))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("TLS handshake failed")
          .hasMessageContaining("tresor-freeze-agent.elsewhere.svc");
    }
  }

  /** The config a caller gets from an empty environment in a pod whose service-account volume has the service CA. */
  private static FreezeClientConfig autoInAnOpenShiftPod(ConsistencyBed at) throws IOException {
    FreezeClientConfig c = FreezeClientConfig.fromEnvironment(Map.of(), Duration.ofSeconds(5), serviceAccountCa);
    assertThat(c.caFile()).as("auto finds the service CA").isEqualTo(serviceAccountCa);
    return c.withTokenFile(at.clientConfig(TestCluster.VELERO_TOKEN).tokenFile());
  }

  @Test
  void autoWithTheServiceCaOfTheServiceAccountVolumeCallsTheAgentOverTls() throws Exception {
    try (FreezeClient c = FreezeClient.create(bed.cluster.client, autoInAnOpenShiftPod(bed))) {
      assertThat(c.status(ConsistencyBed.NODE, ref())).isEmpty();
    }
  }

  @Test
  void autoAtAPlaintextAgentFailsWithBothFixesAndNeverSpeaksPlaintext() throws Exception {
    try (RecordingRelay relay = new RecordingRelay(plain.agent.grpcPort());
         FreezerCalls calls = new FreezerCalls(() -> Optional.of(TestCluster.VELERO_TOKEN), Duration.ofSeconds(5),
             autoInAnOpenShiftPod(plain))) {
      AgentEndpoint agent = new AgentEndpoint(ConsistencyBed.NODE, "tresor-freeze-agent-worker-1", "127.0.0.1",
          relay.port());
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(() -> calls.status(agent, ref()))
            .isInstanceOf(AgentUnavailableException.class)
            .hasMessageContaining("Status on freeze agent tresor-freeze-agent-worker-1")
            .hasMessageContaining("the agent serves plaintext, this caller TLS (TRESOR_FREEZE_AGENT_TLS=auto, "
                + "trusting " + serviceAccountCa + " (OpenShift's service CA from the pod's service-account volume))")
            .hasMessageContaining("Turn TLS on in the agent DaemonSet (TRESOR_TLS_CERT/TRESOR_TLS_KEY")
            .hasMessageContaining("or set TRESOR_FREEZE_AGENT_TLS=off on this caller")
            .hasMessageContaining("not retried in plaintext")
            .hasMessageNotContaining("\n")
            .hasMessageNotContaining(TestCluster.VELERO_TOKEN);
      }
      // what crossed the wire: TLS handshake records only, never HTTP/2 in clear, never the token
      assertThat(relay.connections()).isPositive();
      assertThat(relay.sent()[0]).as("a TLS handshake record").isEqualTo((byte) 0x16);
      assertThat(relay.sentText()).doesNotContain("PRI * HTTP/2.0").doesNotContain(TestCluster.VELERO_TOKEN);
    }
  }

  @Test
  void theRelaySeesWhatAPlaintextCallerSends() throws Exception {
    // the control of the test above: the same relay does see a plaintext call and its token
    try (RecordingRelay relay = new RecordingRelay(plain.agent.grpcPort());
         FreezerCalls calls = new FreezerCalls(() -> Optional.of(TestCluster.VELERO_TOKEN), Duration.ofSeconds(5),
             plain.clientConfig(TestCluster.VELERO_TOKEN).withTlsOff())) {
      assertThat(calls.status(new AgentEndpoint(ConsistencyBed.NODE, "tresor-freeze-agent-worker-1", "127.0.0.1",
          relay.port()), ref())).isEmpty();
      assertThat(relay.sentText()).startsWith("PRI * HTTP/2.0").contains(TestCluster.VELERO_TOKEN);
    }
  }

  @Test
  void offAtATlsAgentIsToldToRemoveOff() throws Exception {
    try (FreezeClient c = FreezeClient.create(bed.cluster.client,
        bed.clientConfig(TestCluster.VELERO_TOKEN).withTlsOff())) {
      assertThatThrownBy(() -> c.status(ConsistencyBed.NODE, ref()))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("UNAVAILABLE")
          .hasMessageContaining("this client speaks plaintext (TRESOR_FREEZE_AGENT_TLS=off)")
          .hasMessageContaining("remove TRESOR_FREEZE_AGENT_TLS=off from this caller")
          .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE")
          .hasMessageNotContaining(TestCluster.VELERO_TOKEN);
    }
  }

  @Test
  void aPlaintextClientAtATlsAgentIsToldToSetTheCaFile() throws Exception {
    try (FreezeClient c = client(null, null)) {
      assertThatThrownBy(() -> c.status(ConsistencyBed.NODE, ref()))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("UNAVAILABLE")
          .hasMessageContaining("this client speaks plaintext")
          .hasMessageContaining("TRESOR_FREEZE_AGENT_CA_FILE")
          .hasMessageNotContaining(TestCluster.VELERO_TOKEN);
    }
  }
}
