package io.tresor.imagearchive.s3;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
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
        var builder = S3Client.builder()
                .region(Region.of(location.effectiveRegion()))
                .forcePathStyle(location.forcePathStyle())
                .credentialsProvider(credentials(location, credentialsFile))
                .httpClient(httpClient(location))
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

    private static SdkHttpClient httpClient(StorageLocation location) {
        var builder = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60));
        if (location.insecureSkipTlsVerify()) {
            return builder.buildWithDefaults(AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build());
        }
        if (location.caCert() != null) {
            TrustManager[] managers = trustManagers(location);
            builder.tlsTrustManagersProvider(() -> managers);
        }
        return builder.build();
    }

    /** The JDK's trusted roots plus the location's {@code caCert} bundle, as the AWS plugin adds it to the system pool. */
    private static TrustManager[] trustManagers(StorageLocation location) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int i = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x509) {
                    for (Certificate c : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + i++, c);
                    }
                }
            }
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(location.caCert()));
            if (cas.isEmpty()) {
                throw new IllegalArgumentException("BackupStorageLocation " + location.name()
                        + ": spec.objectStorage.caCert holds no PEM certificate: put the CA bundle there (base64 of the PEM)");
            }
            for (Certificate c : cas) {
                store.setCertificateEntry("bsl-ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("BackupStorageLocation " + location.name()
                    + ": spec.objectStorage.caCert cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }

}
