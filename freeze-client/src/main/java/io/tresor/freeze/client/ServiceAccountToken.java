package io.tresor.freeze.client;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The caller's own service-account token for the agent's TokenReview: the projected token file (re-read on
 * every call, the kubelet rotates it), else the token of the cluster client's configuration. Never logged.
 */
public final class ServiceAccountToken implements Supplier<Optional<String>> {
  private final Path file;
  private final Config clientConfig;

  public ServiceAccountToken(Path file, Config clientConfig) {
    this.file = file;
    this.clientConfig = clientConfig;
  }

  @Override
  public Optional<String> get() {
    if (Files.isReadable(file)) {
      try {
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!token.isEmpty()) {
          return Optional.of(token);
        }
      } catch (IOException e) {
        // fall through to the client's configuration
      }
    }
    String configured = clientConfig == null ? null : clientConfig.getAutoOAuthToken();
    if (configured == null || configured.isEmpty()) {
      configured = clientConfig == null ? null : clientConfig.getOauthToken();
    }
    return Optional.ofNullable(configured).filter(t -> !t.isEmpty());
  }
}
