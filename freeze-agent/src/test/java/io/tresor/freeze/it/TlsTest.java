package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.tresor.freeze.AgentServer;
import io.tresor.proto.freeze.v1.StatusRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** With a serving certificate the Freezer speaks TLS only (tokens never cross the network in clear). */
class TlsTest {
  @Test
  void tlsClientsAreServedAndPlaintextClientsFail() throws Exception {
    Assumptions.assumeTrue(LoopVolume.exec("openssl", "version") == 0, "SKIPPED: no openssl to make a certificate");
    Path dir = Files.createTempDirectory("tresor-freeze-tls-");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    LoopVolume.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=tresor-freeze-agent",
        "-addext", "subjectAltName=IP:127.0.0.1");
    try (MockCluster cluster = new MockCluster();
         AgentServer agent = AgentServer.start(AgentFixture.config(dir.resolve("pods"), dir.resolve("state/j"),
             "--tls-cert=" + cert, "--tls-key=" + key), cluster.client);
         FreezerClient tls = new FreezerClient(agent.grpcPort(), MockCluster.VELERO_TOKEN,
             TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build());
         FreezerClient plain = new FreezerClient(agent.grpcPort(), MockCluster.VELERO_TOKEN)) {
      assertThat(tls.stub.status(StatusRequest.getDefaultInstance()).getLeasesList()).isEmpty();
      assertThatThrownBy(() -> plain.stub.status(StatusRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class);
    } finally {
      TempTree.delete(dir);
    }
  }
}
