package io.tresor.imagearchive.s3;

import io.tresor.imagearchive.PemTrust;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.utils.AttributeMap;

/** Builds an {@link S3Client} for a storage location the way velero-plugin-for-aws configures its client. */
public final class S3ClientFactory {
    private S3ClientFactory() {
    }

    /**
     * @param location        the storage location
     * @param credentialsFile content of the location's credential Secret value (AWS shared-credentials format), or null
     *                        to use the default chain ({@code AWS_SHARED_CREDENTIALS_FILE}, environment, ...)
     */
    public static S3Client create(StorageLocation location, byte[] credentialsFile) {
        return create(location, credentialsFile, S3Network.direct());
    }

    /**
     * @param network proxy and trusted CAs for the endpoint, decided by the caller (the plugin's proxy variables and
     *                trust bundle)
     */
    public static S3Client create(StorageLocation location, byte[] credentialsFile, S3Network network) {
        var builder = S3Client.builder()
                .region(Region.of(location.effectiveRegion()))
                .forcePathStyle(location.forcePathStyle())
                .credentialsProvider(credentials(location, credentialsFile))
                // SDK retries (throttling, 5xx, connection resets) with 5 attempts instead of 3: parts are 8 MiB
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(5)))
                .httpClient(httpClient(location, network))
                // No aws-chunked bodies: parts are in memory and re-readable, so the signer hashes them in one pass.
                // Over plain HTTP SigV4 signs the payload either way; aws-chunked adds an HMAC, a string-to-sign and
                // a fresh buffer per chunk on both sides. Over HTTPS the body is UNSIGNED-PAYLOAD either way.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // Ceph RGW rejects the SDK's default streaming checksums (XAmzContentSHA256Mismatch)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (location.s3Url() != null) {
            builder.endpointOverride(URI.create(location.s3Url()));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageLocation location, byte[] credentialsFile) {
        if (credentialsFile == null) {
            return DefaultCredentialsProvider.builder().profileName(location.profile()).build();
        }
        ProfileFile file = ProfileFile.builder()
                .content(new ByteArrayInputStream(credentialsFile))
                .type(ProfileFile.Type.CREDENTIALS)
                .build();
        if (file.profile(location.profile()).isEmpty()) {
            throw new IllegalArgumentException("BackupStorageLocation " + location.name() + ": the credentials file has no profile '"
                    + location.profile() + "': fix config.profile or the [" + location.profile() + "] section of spec.credential's Secret");
        }
        return ProfileCredentialsProvider.builder().profileFile(file).profileName(location.profile()).build();
    }

    private static SdkHttpClient httpClient(StorageLocation location, S3Network network) {
        // Apache streams request bodies of known length; HttpURLConnection would hold a second copy of every part
        var builder = Apache5HttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .maxConnections(16)
                .proxyConfiguration(proxy(location, network));
        if (location.insecureSkipTlsVerify()) {
            return builder.buildWithDefaults(AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build());
        }
        if (location.caCert() != null) {
            TrustManager[] managers = PemTrust.trustManagers(location.caCert(), network.trust(),
                    "BackupStorageLocation " + location.name() + ": spec.objectStorage.caCert");
            builder.tlsTrustManagersProvider(() -> managers);
        } else if (network.trust() != null) {
            TrustManager[] managers = {network.trust()};
            builder.tlsTrustManagersProvider(() -> managers);
        }
        return builder.build();
    }

    /**
     * The proxy is decided once per client for the endpoint it talks to (without {@code s3Url}: the regional AWS
     * endpoint; virtual-hosted bucket names are subdomains of it, so NO_PROXY domain entries match them alike). The
     * SDK's own reading of proxy variables and system properties is switched off: it has other NO_PROXY rules.
     */
    private static ProxyConfiguration proxy(StorageLocation location, S3Network network) {
        URI endpoint = location.s3Url() != null ? URI.create(location.s3Url())
                : URI.create("https://s3." + location.effectiveRegion() + ".amazonaws.com");
        var proxy = ProxyConfiguration.builder().useSystemPropertyValues(false).useEnvironmentVariableValues(false);
        network.proxyFor().apply(endpoint).ifPresent(a -> proxy.endpoint(URI.create("http://" + a.getHostString() + ":" + a.getPort())));
        return proxy.build();
    }
}
