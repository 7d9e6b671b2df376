package io.tresor.imagearchive.testing;

import io.tresor.imagearchive.s3.StorageLocation;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;

/** Embedded S3Proxy on 127.0.0.1 with the in-memory {@code transient-nio2} store, the one that enforces SSE-C. */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "tresor-test-access";
    public static final String SECRET_KEY = "tresor-test-secret-0123456789";

    private final S3Proxy proxy;
    private final S3Client admin;
    private final boolean tls;
    private final String host;

    private S3Server(S3Proxy proxy, boolean tls, String host) {
        this.proxy = proxy;
        this.tls = tls;
        this.host = host;
        this.admin = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort())).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(Apache5HttpClient.builder().build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    public static S3Server start() throws Exception {
        return start(null);
    }

    /** With {@code tls}, S3Proxy also listens with that certificate; {@link #endpoint()} is then the HTTPS one. */
    public static S3Server start(Path tlsKeyStore) throws Exception {
        return start(tlsKeyStore, "127.0.0.1");
    }

    /**
     * Listening on every address when {@code host} is not 127.0.0.1, and {@link #endpoint()} names {@code host} (a
     * non-loopback address of this machine, which proxy rules treat like a remote host).
     */
    public static S3Server start(Path tlsKeyStore, String host) throws Exception {
        String bind = host.equals("127.0.0.1") ? host : "0.0.0.0";
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", "http://" + bind + ":0");
        if (tlsKeyStore != null) {
            p.setProperty("s3proxy.secure-endpoint", "https://" + bind + ":0");
            p.setProperty("s3proxy.keystore-path", tlsKeyStore.toString());
            p.setProperty("s3proxy.keystore-password", "changeit");
        }
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", ACCESS_KEY);
        p.setProperty("s3proxy.credential", SECRET_KEY);
        p.setProperty("jclouds.provider", "transient-nio2");
        S3Proxy proxy = S3Proxy.Builder.fromProperties(p).blobStore(BlobStores.create("transient-nio2", p)).build();
        proxy.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start within 20 s (state " + proxy.getState() + ")");
            }
            Thread.sleep(20);
        }
        return new S3Server(proxy, tlsKeyStore != null, host);
    }

    public URI endpoint() {
        return tls ? URI.create("https://" + host + ":" + proxy.getSecurePort()) : URI.create("http://" + host + ":" + proxy.getPort());
    }

    /** A client without SSE-C headers, for setup and for checking what is stored. */
    public S3Client admin() {
        return admin;
    }

    public void createBucket(String bucket) {
        admin.createBucket(b -> b.bucket(bucket));
    }

    /** The shared-credentials file a Velero credential Secret holds for this server. */
    public static byte[] credentialsFile() {
        return ("[default]\naws_access_key_id = " + ACCESS_KEY + "\naws_secret_access_key = " + SECRET_KEY + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A BackupStorageLocation as Velero serves it, pointing at this server. */
    public String bslJson(String name, String bucket, String prefix) {
        return """
                {"apiVersion":"velero.io/v1","kind":"BackupStorageLocation",
                 "metadata":{"name":"%s","namespace":"openshift-adp"},
                 "spec":{"provider":"aws","default":false,
                   "objectStorage":{"bucket":"%s","prefix":"%s"},
                   "credential":{"name":"cloud-credentials","key":"cloud"},
                   "config":{"region":"us-east-1","s3Url":"%s","s3ForcePathStyle":"true","profile":"default",
                             "customerKeyEncryptionSecret":"cloud-credentials/customer-key"}}}
                """.formatted(name, bucket, prefix, endpoint());
    }

    public StorageLocation location(String name, String bucket, String prefix) throws IOException {
        return StorageLocation.fromJson(bslJson(name, bucket, prefix));
    }

    /** The top-level "directories" under a prefix (with the trailing slash), e.g. {@code [plugins/]}. */
    public List<String> topLevel(String bucket, String prefix) {
        String p = prefix.isEmpty() ? "" : prefix + "/";
        List<String> out = new ArrayList<>();
        var response = admin.listObjectsV2(b -> b.bucket(bucket).prefix(p).delimiter("/"));
        for (CommonPrefix cp : response.commonPrefixes()) {
            out.add(cp.prefix().substring(p.length()));
        }
        response.contents().forEach(o -> out.add(o.key().substring(p.length())));
        return out;
    }

    /** Multipart uploads not completed nor aborted. */
    public int pendingUploads(String bucket) {
        return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
    }

    @Override
    public void close() {
        admin.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }
}
