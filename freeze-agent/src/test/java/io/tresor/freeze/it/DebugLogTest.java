package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.proto.freeze.v1.StatusRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent with every logger's default raised to TRACE the way an admin would (JAVA_TOOL_OPTIONS in the DaemonSet):
 * tresor's debug lines appear, the callers' tokens, the agent's own token and the wire traffic do not.
 */
class DebugLogTest {
  /** The agent's own service-account token, as fabric8 sends it to the API server. */
  private static final String AGENT_TOKEN = "agent-sa-token-5f3e9d0c";

  private Path base;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createTempDirectory("tresor-freeze-debug-log-");
    Files.createDirectories(base.resolve("pods"));
  }

  @AfterEach
  void tearDown() {
    TempTree.delete(base);
  }

  @Test
  void traceByDefaultShowsTresorsDebugLinesButNoTokenAndNoWireTraffic() throws Exception {
    Path log = base.resolve("agent.log");
    try (MockCluster cluster = new MockCluster();
         AgentProcess agent = AgentProcess.start(cluster.url(), base.resolve("pods"), base.resolve("journal"), log,
             List.of("-Dkubernetes.auth.token=" + AGENT_TOKEN),
             Map.of("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"))) {
      // the caller's token crosses gRPC in a header, then the API server in a TokenReview body
      try (FreezerClient velero = new FreezerClient(agent.grpcPort, MockCluster.VELERO_TOKEN)) {
        velero.stub.status(StatusRequest.getDefaultInstance());
      }
      assertThat(agent.sigterm()).isIn(0, 130, 143);
    }
    String text = Files.readString(log);
    assertThat(text).as("the default level was raised").contains("DEBUG io.fabric8.kubernetes.client");
    assertThat(text).contains("DEBUG io.tresor.freeze.grpc.BearerAuthInterceptor - authentication took");
    assertThat(text).doesNotContain(MockCluster.VELERO_TOKEN).doesNotContain(AGENT_TOKEN)
        .doesNotContain("TokenReview").doesNotContain("INBOUND HEADERS").doesNotContain("OUTBOUND DATA");
  }
}
