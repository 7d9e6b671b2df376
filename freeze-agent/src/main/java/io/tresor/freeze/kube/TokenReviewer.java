package io.tresor.freeze.kube;

import java.util.Optional;

/** Who a bearer token belongs to, according to the cluster; empty when not authenticated. */
public interface TokenReviewer {

  Optional<String> username(String token);
}
