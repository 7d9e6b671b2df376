package io.tresor.plugin.net;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CAs outbound TLS trusts: the JDK's own, plus the system bundle ({@code SSL_CERT_FILE}, else
 * {@code /etc/ssl/certs/ca-certificates.crt}), the service-account CA and OpenShift's service CA, so S3 endpoints,
 * registries and the API server with private CAs work. Missing files are skipped; unreadable ones are an error.
 */
public final class TrustBundle {
    static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");
    static final Path SERVICE_ACCOUNT_CA = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
    static final Path SERVICE_CA = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt");

    /** Bundles already built in this process, by the state of their files (a changed or new file builds anew). */
    private static final Map<List<String>, TrustBundle> BUILT = new ConcurrentHashMap<>();

    private final X509ExtendedTrustManager trustManager;
    private final List<Path> sources;

    private TrustBundle(X509ExtendedTrustManager trustManager, List<Path> sources) {
        this.trustManager = trustManager;
        this.sources = sources;
    }

    /**
     * The JDK's CAs plus the PEM bundles the environment points at. Built once per process while the files stay as
     * they are: parsing the JDK's and the system's ~300 CAs costs ~0.4 s of CPU in a fresh plugin process, and every
     * outbound client (S3, registry) asks for the same bundle.
     */
    public static TrustBundle fromEnvironment(Map<String, String> env) throws IOException, GeneralSecurityException {
        return cached(candidates(env));
    }

    private static TrustBundle cached(List<Path> candidates) throws IOException, GeneralSecurityException {
        List<String> state = fileState(candidates);
        TrustBundle built = BUILT.get(state);
        if (built == null) {
            built = withPemFiles(candidates);
            BUILT.put(state, built);
        }
        return built;
    }

    /**
     * A trust manager over {@link #fromEnvironment}'s CAs, built at the first TLS handshake: a process whose endpoints
     * are all plain HTTP never parses a CA. A bundle that cannot be read fails that handshake, naming the file.
     */
    public static X509TrustManager lazyFromEnvironment(Map<String, String> env) {
        List<Path> candidates = candidates(env);
        return new LazyTrustManager(() -> cached(candidates).trustManager());
    }

    /** A TLS context over {@link #lazyFromEnvironment}: the CAs are read at the first handshake. */
    public static SSLContext lazySslContext(Map<String, String> env) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {lazyFromEnvironment(env)}, null);
        return ctx;
    }

    private static List<Path> candidates(Map<String, String> env) {
        List<Path> candidates = new ArrayList<>();
        String certFile = env.get("SSL_CERT_FILE");
        candidates.add(certFile != null && !certFile.isBlank() ? Path.of(certFile) : SYSTEM_BUNDLE);
        candidates.add(SERVICE_ACCOUNT_CA);
        candidates.add(SERVICE_CA);
        return candidates;
    }

    // path, size and modification time of each candidate: a rotated service CA gives a new key, hence a new bundle
    private static List<String> fileState(List<Path> files) {
        List<String> state = new ArrayList<>();
        for (Path p : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                state.add(p + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + a.fileKey());
            } catch (IOException absent) {
                state.add(p + "|absent");
            }
        }
        return List.copyOf(state);
    }

    /** The JDK's CAs plus every certificate in the given PEM files that exist. */
    public static TrustBundle withPemFiles(List<Path> pemFiles) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        for (X509Certificate c : defaultTrustManager(null).getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, c);
        }
        List<Path> used = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (Path p : pemFiles) {
            if (!Files.isRegularFile(p)) {
                continue;
            }
            Collection<? extends Certificate> certs;
            // read whole first: the PEM parser reads its stream in tiny pieces (one read(2) each when unbuffered)
            try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(p))) {
                certs = cf.generateCertificates(in);
            } catch (GeneralSecurityException e) {
                throw new GeneralSecurityException("CA bundle " + p + " is not a PEM certificate bundle: " + e.getMessage(), e);
            }
            for (Certificate c : certs) {
                store.setCertificateEntry("file-" + n++, c);
            }
            used.add(p);
        }
        return new TrustBundle(defaultTrustManager(store), List.copyOf(used));
    }

    /** A trust manager over all collected CAs. */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** The PEM files that contributed (for a start-up log line). */
    public List<Path> sources() {
        return sources;
    }

    /** A TLS context trusting this bundle, with no client certificate. */
    public SSLContext sslContext() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {trustManager}, null);
        return ctx;
    }

    private static X509ExtendedTrustManager defaultTrustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager in the JDK");
    }
}
