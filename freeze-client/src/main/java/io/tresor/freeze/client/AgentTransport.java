package io.tresor.freeze.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * How agents are dialled: TLS trusting only the resolved CA bundle for a fixed server name, or plaintext. A TLS
 * transport stays TLS: no failure makes it retry in plaintext (a downgrade anyone on the path could force).
 */
final class AgentTransport {
  private final ChannelCredentials credentials;
  private final FreezeClientConfig config;

  private AgentTransport(ChannelCredentials credentials, FreezeClientConfig config) {
    this.credentials = credentials;
    this.config = config;
  }

  /**
   * The transport the config asks for. The CA bundle is read and parsed here, so that a broken mount fails when
   * the client is created rather than at the first freeze of a backup.
   *
   * @throws IllegalArgumentException the CA file is missing, unreadable or holds no certificate
   */
  static AgentTransport of(FreezeClientConfig config) {
    if (config.caFile() == null) {
      return new AgentTransport(InsecureChannelCredentials.create(), config);
    }
    List<Certificate> cas = readBundle(config);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      // only this bundle: the JDK's public CAs have no business vouching for a pod on the cluster network
      return new AgentTransport(TlsChannelCredentials.newBuilder().trustManager(trust.getTrustManagers()).build(),
          config);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(origin(config) + ": cannot build a trust store from it: " + e, e);
    }
  }

  /**
   * Where the CA bundle came from, for messages: the service CA file (found by auto/on, or named by the variable as
   * earlier versions advised), or the variable.
   */
  private static String origin(FreezeClientConfig config) {
    return config.caFromServiceAccount()
        ? config.caFile() + " (OpenShift's service CA from the pod's service-account volume)"
        : FreezeClientConfig.CA_FILE_ENV + "=" + config.caFile();
  }

  private static List<Certificate> readBundle(FreezeClientConfig config) {
    Path file = config.caFile();
    String variable = origin(config);
    String fix = config.caFromServiceAccount()
        ? "; set " + FreezeClientConfig.CA_FILE_ENV + " to the PEM bundle of the CA that signs the agents' "
            + "certificates, or " + FreezeClientConfig.TLS_ENV + "=off for agents that serve plaintext"
        : "; mount the CA bundle (e.g. the ConfigMap annotated service.beta.openshift.io/inject-cabundle) at "
            + "that path, or unset " + FreezeClientConfig.CA_FILE_ENV + " to trust OpenShift's service CA from the "
            + "pod's service-account volume (" + config.serviceCaFile() + ")";
    byte[] pem;
    try {
      pem = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(variable + ": no such file" + fix, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(variable + ": cannot read it (" + e + ")" + fix, e);
    }
    List<Certificate> cas;
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      cas = new ArrayList<>(x509.generateCertificates(new ByteArrayInputStream(pem)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(variable + ": not a PEM certificate bundle (" + e.getMessage() + ")" + fix, e);
    }
    if (cas.isEmpty()) {
      throw new IllegalArgumentException(variable + ": the file holds no certificate (is the CA bundle injected yet?)"
          + fix);
    }
    return cas;
  }

  boolean tls() {
    return config.caFile() != null;
  }

  /** The notice a plaintext client logs once, when it is created. */
  Optional<String> plaintextNotice() {
    if (tls()) {
      return Optional.empty();
    }
    if (config.tls() == FreezeClientConfig.TlsMode.OFF) {
      return Optional.of("freeze agent calls are plaintext (" + FreezeClientConfig.TLS_ENV + "=off): this caller's "
          + "service-account token crosses the pod network in clear. Once the agents serve TLS, unset "
          + FreezeClientConfig.TLS_ENV + " (see freeze-client/README.md)");
    }
    return Optional.of("freeze agent calls are plaintext: " + FreezeClientConfig.CA_FILE_ENV + " is unset and there "
        + "is no " + config.serviceCaFile() + " (OpenShift's service CA), so this caller's service-account token "
        + "crosses the pod network in clear. To use TLS, give the agents a serving certificate "
        + "(TRESOR_TLS_CERT/TRESOR_TLS_KEY) and set " + FreezeClientConfig.CA_FILE_ENV + " to the CA bundle that "
        + "signs it (see freeze-client/README.md)");
  }

  ManagedChannel channel(AgentEndpoint agent) {
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilderForAddress(agent.host(), agent.port(), credentials)
        // pod IPs are reached directly, never through an HTTP(S) proxy from the environment
        .proxyDetector(address -> null);
    if (tls()) {
      // dialled by pod IP, but the certificate names the Service: verify that name (and send it as SNI)
      b.overrideAuthority(config.tlsServerName());
    }
    return b.build();
  }

  /** What the failure means for this transport (TLS trouble, a TLS/plaintext mismatch with the agent), or "". */
  String explain(Status status) {
    Throwable tlsFailure = find(status.getCause(), SSLException.class, CertificateException.class);
    if (tls() && tlsFailure != null) {
      if (plaintextPeer(tlsFailure)) {
        return "; the agent serves plaintext, this caller TLS (" + FreezeClientConfig.TLS_ENV + "="
            + config.tls().value() + ", trusting " + origin(config) + "). Turn TLS on in "
            + "the agent DaemonSet (TRESOR_TLS_CERT/TRESOR_TLS_KEY from the serving-certificate Secret of Service "
            + "tresor-freeze-agent, as deploy/freeze-agent does), or set " + FreezeClientConfig.TLS_ENV
            + "=off on this caller (its token then crosses the pod network in clear); the call is not retried in "
            + "plaintext";
      }
      return "; TLS handshake failed (" + rootMessage(tlsFailure) + "): the agent's certificate is not signed by "
          + "a CA in " + (config.caFromServiceAccount() ? origin(config)
              : FreezeClientConfig.CA_FILE_ENV + " (" + config.caFile() + ")")
          + ", does not carry the server name " + config.tlsServerName() + " ("
          + FreezeClientConfig.TLS_SERVER_NAME_ENV + "), or the agent does not serve TLS";
    }
    // a refused connection is no protocol mismatch; a TLS agent just drops a plaintext client's connection
    boolean dropped = status.getCode() == Status.Code.UNAVAILABLE
        && find(status.getCause(), ConnectException.class) == null;
    if (!tls() && dropped) {
      if (config.tls() == FreezeClientConfig.TlsMode.OFF) {
        return "; this client speaks plaintext (" + FreezeClientConfig.TLS_ENV + "=off): if the agent serves TLS "
            + "(TRESOR_TLS_CERT), remove " + FreezeClientConfig.TLS_ENV + "=off from this caller: auto then trusts "
            + "OpenShift's service CA (" + config.serviceCaFile() + "), or set " + FreezeClientConfig.CA_FILE_ENV
            + " to the CA bundle that signs the agent's certificate";
      }
      return "; this client speaks plaintext (" + FreezeClientConfig.CA_FILE_ENV + " unset, no "
          + config.serviceCaFile() + "): if the agent serves TLS (TRESOR_TLS_CERT), set "
          + FreezeClientConfig.CA_FILE_ENV + " to the CA bundle that signs its certificate";
    }
    return "";
  }

  /**
   * Whether the handshake met a peer that answered in plaintext: Netty's NotSslRecordException (shaded, so matched
   * by name), raised when the first bytes back are no TLS record, as a plaintext gRPC server's HTTP/2 frames are.
   */
  private static boolean plaintextPeer(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getSimpleName().equals("NotSslRecordException")) {
        return true;
      }
    }
    return false;
  }

  @SafeVarargs
  private static Throwable find(Throwable t, Class<? extends Throwable>... types) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(c)) {
          return c;
        }
      }
    }
    return null;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
