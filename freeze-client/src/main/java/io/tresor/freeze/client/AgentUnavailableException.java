package io.tresor.freeze.client;

/** No answer from a node's freeze agent: none runs there, it is not ready, or the call failed. */
public class AgentUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public AgentUnavailableException(String message) {
    super(message);
  }

  public AgentUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
