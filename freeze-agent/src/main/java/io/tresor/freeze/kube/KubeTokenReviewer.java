package io.tresor.freeze.kube;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/** {@link TokenReviewer} through a {@code TokenReview} (authentication.k8s.io/v1). */
public final class KubeTokenReviewer implements TokenReviewer {
  private final KubernetesClient client;

  public KubeTokenReviewer(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<String> username(String token) {
    TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
    TokenReview answer = client.resource(review).create();
    if (answer == null || answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAuthenticated())
        || answer.getStatus().getUser() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(answer.getStatus().getUser().getUsername());
  }
}
