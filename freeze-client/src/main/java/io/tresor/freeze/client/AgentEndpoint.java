package io.tresor.freeze.client;

/** The freeze agent serving one node: its pod and the address its Freezer API listens on. */
public record AgentEndpoint(String node, String pod, String host, int port) {

  /** {@code host:port}, for messages. */
  public String address() {
    return host + ":" + port;
  }
}
