package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** BackupStorageLocations as the non-admin controller creates them. */
class StorageLocationTest {
    static final String NAC_BSL = """
            {"apiVersion":"velero.io/v1","kind":"BackupStorageLocation",
             "metadata":{"name":"shop-tenant-bsl-1b2c3d","namespace":"openshift-adp",
               "labels":{"openshift.io/oadp":"True","app.kubernetes.io/managed-by":"oadp-nac-controller"}},
             "spec":{"provider":"aws",
               "objectStorage":{"bucket":"tenant-backups","prefix":"shop/velero","caCert":"%s"},
               "credential":{"name":"shop-tenant-bsl-1b2c3d","key":"cloud"},
               "config":{"region":"eu-central-1","s3Url":"https://s3.storage.example:443","s3ForcePathStyle":"true",
                         "insecureSkipTLSVerify":"false","profile":"tenant",
                         "customerKeyEncryptionSecret":"shop-tenant-bsl-1b2c3d/customer-key","checksumAlgorithm":""}},
             "status":{"phase":"Available"}}
            """;

    @Test
    void readsTheFieldsTheAwsPluginReads() throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        StorageLocation l = StorageLocation.fromJson(NAC_BSL.formatted(Base64.getEncoder().encodeToString(pem.getBytes())));
        assertThat(l.name()).isEqualTo("shop-tenant-bsl-1b2c3d");
        assertThat(l.bucket()).isEqualTo("tenant-backups");
        assertThat(l.prefix()).isEqualTo("shop/velero");
        assertThat(new String(l.caCert())).isEqualTo(pem);
        assertThat(l.effectiveRegion()).isEqualTo("eu-central-1");
        assertThat(l.s3Url()).isEqualTo("https://s3.storage.example:443");
        assertThat(l.forcePathStyle()).isTrue();
        assertThat(l.insecureSkipTlsVerify()).isFalse();
        assertThat(l.profile()).isEqualTo("tenant");
        assertThat(l.customerKeySecretRef()).hasValueSatisfying(r -> assertThat(r).containsExactly("shop-tenant-bsl-1b2c3d", "customer-key"));
        assertThat(l.credentialSecretName()).isEqualTo("shop-tenant-bsl-1b2c3d");
        assertThat(l.credentialSecretKey()).isEqualTo("cloud");
        l.requireCustomerKey();
    }

    @Test
    void defaultsAndRefusals() throws Exception {
        StorageLocation minimal = StorageLocation.fromJson("""
                {"metadata":{"name":"m"},"spec":{"provider":"velero.io/aws","objectStorage":{"bucket":"b"},
                 "config":{"s3Url":"http://127.0.0.1:9000","customerKeyEncryptionFile":"/credentials/customer-key"}}}""");
        assertThat(minimal.prefix()).isEmpty();
        assertThat(minimal.profile()).isEqualTo("default");
        assertThat(minimal.effectiveRegion()).isEqualTo("us-east-1");
        assertThat(minimal.forcePathStyle()).isFalse();
        assertThat(minimal.customerKeyEncryptionFile()).isEqualTo("/credentials/customer-key");

        assertThatThrownBy(() -> StorageLocation.fromJson("{\"metadata\":{\"name\":\"g\"},\"spec\":{\"provider\":\"gcp\",\"objectStorage\":{\"bucket\":\"b\"}}}"))
                .hasMessageContaining("BackupStorageLocation g").hasMessageContaining("not S3");
        assertThatThrownBy(() -> StorageLocation.fromJson("{\"metadata\":{\"name\":\"e\"},\"spec\":{\"objectStorage\":{}}}"))
                .hasMessageContaining("spec.objectStorage.bucket is empty");
        assertThatThrownBy(() -> StorageLocation.fromJson("""
                {"metadata":{"name":"both"},"spec":{"objectStorage":{"bucket":"b"},
                 "config":{"customerKeyEncryptionFile":"/k","customerKeyEncryptionSecret":"s/k"}}}"""))
                .hasMessageContaining("keep exactly one");
        StorageLocation noRegion = StorageLocation.fromJson("{\"metadata\":{\"name\":\"aws\"},\"spec\":{\"objectStorage\":{\"bucket\":\"b\"}}}");
        assertThatThrownBy(noRegion::effectiveRegion).hasMessageContaining("config.region is empty");
        assertThatThrownBy(noRegion::requireCustomerKey).hasMessageContaining("has no SSE-C key");
    }
}
