package io.tresor.actions.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.CountingProxy;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TestCertificate;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 client takes the plugin's proxy routes and trust bundle ({@link ArchiveNetwork}): S3Proxy listens on a
 * non-loopback address of this machine (loopback never goes through a proxy), a real proxy on 127.0.0.1 counts.
 */
class ArchiveNetworkTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static String ip;

    @BeforeAll
    static void start() throws Exception {
        ip = nonLoopbackAddress();
        Assumptions.assumeTrue(ip != null, "this machine has no non-loopback IPv4 address to put S3 behind a proxy");
        cluster = ClusterFixture.start(dir, true);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Writes, reads and checks one blob through the store that ArchiveStores opens for {@code location}. */
    static void roundTrip(Map<String, String> env, StorageLocation location) throws Exception {
        byte[] blob = new byte[70_000];
        new Random(env.hashCode()).nextBytes(blob);
        ArchiveStores stores = new ArchiveStores(cluster.client(), ArchiveNetwork.fromEnvironment(env));
        try (S3BlobStore store = stores.open(ClusterFixture.VELERO_NAMESPACE, location)) {
            store.putBlob(Digest.of(blob), blob.length, new ByteArrayInputStream(blob));
            assertThat(store.blobSize(Digest.of(blob))).contains((long) blob.length);
            try (InputStream in = store.openBlob(Digest.of(blob))) {
                assertThat(Digest.of(in.readAllBytes())).isEqualTo(Digest.of(blob));
            }
        }
    }

    @Test
    void httpsGoesThroughHttpsProxyUnlessNoProxyMatchesAndTrustsTheBundlesPrivateCa() throws Exception {
        TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "s3", ip);
        try (S3Server s3 = S3Server.start(cert.keyStore(), ip); CountingProxy proxy = CountingProxy.start()) {
            s3.createBucket("net");
            // no caCert in the location: the private CA comes from SSL_CERT_FILE through the trust bundle
            StorageLocation location = s3.location("net-bsl", "net", "tenant-net");
            String target = ip + ":" + s3.endpoint().getPort();

            roundTrip(Map.of("HTTPS_PROXY", proxy.url(), "SSL_CERT_FILE", cert.certificate().toString()), location);
            assertThat(proxy.requests()).as("every S3 connection tunnelled").isNotEmpty().allMatch(r -> r.equals("CONNECT " + target));

            int before = proxy.requests().size();
            roundTrip(Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", "example.com," + ip,
                    "SSL_CERT_FILE", cert.certificate().toString()), location);
            roundTrip(Map.of("https_proxy", proxy.url(), "no_proxy", ip.substring(0, ip.lastIndexOf('.')) + ".0/24",
                    "SSL_CERT_FILE", cert.certificate().toString()), location);
            assertThat(proxy.requests()).as("NO_PROXY (host, CIDR) bypasses the proxy").hasSize(before);

            Path noBundle = dir.resolve("empty.pem");
            java.nio.file.Files.writeString(noBundle, "");
            assertThatThrownBy(() -> roundTrip(Map.of("NO_PROXY", ip, "SSL_CERT_FILE", noBundle.toString()), location))
                    .as("without the CA in the bundle the server is not trusted").hasMessageContaining("net-bsl");
            // the location's own caCert is trusted on top of the bundle, through the proxy too
            StorageLocation withCa = StorageLocation.fromJson(s3.bslJson("net-ca-bsl", "net", "tenant-net").replace(
                    "\"prefix\":\"tenant-net\"", "\"prefix\":\"tenant-net\",\"caCert\":\""
                            + java.util.Base64.getEncoder().encodeToString(cert.certificatePem()) + "\""));
            roundTrip(Map.of("HTTPS_PROXY", proxy.url(), "SSL_CERT_FILE", noBundle.toString()), withCa);
            assertThat(proxy.requests()).hasSizeGreaterThan(before);
            assertThat(s3.topLevel("net", "tenant-net")).containsOnly("plugins/");
        }
    }

    @Test
    void plainHttpGoesThroughHttpProxyNotHttpsProxy() throws Exception {
        try (S3Server s3 = S3Server.start(null, ip); CountingProxy proxy = CountingProxy.start()) {
            s3.createBucket("plain");
            StorageLocation location = s3.location("plain-bsl", "plain", "tenant-plain");
            roundTrip(Map.of("HTTPS_PROXY", proxy.url()), location);
            assertThat(proxy.requests()).as("an http:// endpoint does not take HTTPS_PROXY").isEmpty();
            roundTrip(Map.of("HTTP_PROXY", proxy.url()), location);
            assertThat(proxy.requests()).isNotEmpty()
                    .allMatch(r -> r.matches("(PUT|POST|GET|HEAD) http://" + ip.replace(".", "\\.") + ":" + s3.endpoint().getPort() + "/.*"));
        }
    }

    private static String nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : nic.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }
}
