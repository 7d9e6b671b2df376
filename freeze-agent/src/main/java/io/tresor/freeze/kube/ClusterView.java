package io.tresor.freeze.kube;

import java.util.Optional;

/** Read-only cluster facts the agent checks a Freeze call against. */
public interface ClusterView {

  Optional<PodFacts> pod(String namespace, String uid);

  Optional<VolumeFacts> volume(String pvName);
}
