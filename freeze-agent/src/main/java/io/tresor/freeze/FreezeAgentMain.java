package io.tresor.freeze;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tresor.serverlogging.ServerLogLevel;
import io.tresor.tls.UnusableCertificateException;

/**
 * Starts the node freeze agent: thaws what a previous process left in the journal, then serves
 * the Freezer gRPC API and /metrics. SIGTERM thaws every live freeze before anything else stops.
 */
public final class FreezeAgentMain {
  private FreezeAgentMain() {}

  public static void main(String[] args) throws Exception {
    AgentConfig config;
    try {
      config = AgentConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("tresor-freeze-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    // before the first logger: slf4j-simple reads its settings once, when it creates its first logger. The libraries
    // that would log tokens or request bodies below INFO stay at INFO (simplelogger.properties).
    ServerLogLevel.apply(config.logLevel());
    KubernetesClient client = new KubernetesClientBuilder().build();
    AgentServer agent;
    try {
      agent = AgentServer.start(config, client);
    } catch (UnusableCertificateException e) {
      // a configuration mistake like a bad flag: one line naming the file and the problem, no stack trace
      System.err.println("tresor-freeze-agent: --tls-cert/--tls-key: " + e.getMessage());
      client.close();
      System.exit(2);
      return;
    }
    // SIGTERM: thaw first (inside close), everything after this may hang or fail.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      client.close();
    }, "thaw-on-shutdown"));
    // One parseable line: tests and the bench read the ports from it.
    System.out.println("tresor-freeze-agent ready grpc=" + agent.grpcPort() + " metrics=" + agent.metricsPort());
    System.out.flush();
    agent.awaitTermination();
  }
}
