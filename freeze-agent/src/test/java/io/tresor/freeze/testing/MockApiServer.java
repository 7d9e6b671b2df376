package io.tresor.freeze.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode on loopback, plus a TokenReview answer (CRUD mode only echoes created
 * objects) that knows the given tokens; the common base of the agent's and the freeze client's test clusters.
 */
public class MockApiServer implements AutoCloseable {
  /** Velero's service account (OADP). */
  public static final String VELERO = "system:serviceaccount:openshift-adp:velero";
  /** The tenant's service account that the tenant tokens authenticate as. */
  public static final String TENANT = "system:serviceaccount:tenant:default";
  /** The CSI driver of the PVs and snapshot contents. */
  public static final String DRIVER = "ebs.csi.aws.com";
  /** VolumeSnapshot (snapshot.storage.k8s.io/v1). */
  public static final ResourceDefinitionContext VS = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
      .withPlural("volumesnapshots").withNamespaced(true).build();
  /** VolumeSnapshotContent (snapshot.storage.k8s.io/v1). */
  public static final ResourceDefinitionContext VSC = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotContent")
      .withPlural("volumesnapshotcontents").withNamespaced(false).build();

  private final KubernetesMockServer server;
  private final Map<String, String> users;
  /** A client of the mock API server. */
  public final KubernetesClient client;

  /** Starts the server; a TokenReview of a token in {@code users} authenticates as its user, others fail. */
  protected MockApiServer(Map<String, String> users) {
    this.users = Map.copyOf(users);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(201, request -> review(request.getUtf8Body())).always();
    client = server.createClient();
  }

  /** The API server's URL (for a kubeconfig handed to a child process). */
  public String url() {
    return server.url("/");
  }

  private TokenReview review(String body) {
    TokenReview review = Serialization.unmarshal(body, TokenReview.class);
    String token = review.getSpec().getToken();
    String user = token == null ? null : users.get(token);
    review.setStatus(user == null ? new TokenReviewStatusBuilder().withAuthenticated(false).build()
        : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user).endUser().build());
    return review;
  }

  /** The snapshot controller binds the snapshot to a new content (no handle yet); returns the content's name. */
  public String bindContent(GenericKubernetesResource vs) {
    String content = "snapcontent-" + vs.getMetadata().getUid();
    GenericKubernetesResource vsc = new GenericKubernetesResource();
    vsc.setApiVersion("snapshot.storage.k8s.io/v1");
    vsc.setKind("VolumeSnapshotContent");
    vsc.setMetadata(new ObjectMetaBuilder().withName(content).build());
    vsc.setAdditionalProperty("spec", Map.of("driver", DRIVER, "deletionPolicy", "Retain",
        "volumeSnapshotRef", Map.of("namespace", vs.getMetadata().getNamespace(), "name",
            vs.getMetadata().getName(), "uid", vs.getMetadata().getUid())));
    client.genericKubernetesResources(VSC).resource(vsc).create();
    GenericKubernetesResource current = client.genericKubernetesResources(VS)
        .inNamespace(vs.getMetadata().getNamespace()).withName(vs.getMetadata().getName()).get();
    current.setAdditionalProperty("status", Map.of("boundVolumeSnapshotContentName", content, "readyToUse", false));
    client.genericKubernetesResources(VS).inNamespace(vs.getMetadata().getNamespace()).resource(current).update();
    return content;
  }

  /**
   * Waits until a watch request whose path contains {@code fragment} has reached the server. This mock starts a watch
   * at the moment it registers it, not at the resource version of the informer's preceding list as a real API server
   * does, so an event between an informer's list and its watch is lost here (a deletion, say, never arrives). A test
   * that needs an event the informer could only see through its watch waits for the watch first; the short pause
   * after the request arrived covers the mock registering it.
   */
  public void awaitWatch(String fragment, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      RecordedRequest r = server.takeRequest(10, TimeUnit.MILLISECONDS);
      if (r != null && r.getPath() != null && r.getPath().contains("watch=true") && r.getPath().contains(fragment)) {
        Thread.sleep(200);
        return;
      }
    }
    throw new AssertionError("no watch request for " + fragment + " within " + timeout);
  }

  /** Closes the client and stops the server. */
  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
