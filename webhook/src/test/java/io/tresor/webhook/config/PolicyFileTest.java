package io.tresor.webhook.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.webhook.policy.KeySource;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.policy.VolumeDataUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PolicyFileTest {

    @Test
    void emptyFileMeansSafeDefaults() throws IOException {
        PolicyConfig config = PolicyFile.parse("");
        assertThat(config.allowDefaultStorageLocation()).isFalse();
        assertThat(config.volumeDataUpload()).isEqualTo(VolumeDataUpload.Warn);
        assertThat(config.keySource()).isEqualTo(KeySource.secret);
        assertThat(config.verifyKeySecret()).isTrue();
        assertThat(config.requireSseCForAllLocations()).isFalse();
        assertThat(config.allowedResourcePolicies()).isEmpty();
        assertThat(config.oadpNamespace()).isEqualTo("openshift-adp");
        assertThat(config.trustedServiceAccounts())
                .contains("system:serviceaccount:openshift-adp:non-admin-controller");
    }

    @Test
    void everyKnobIsRead() throws IOException {
        PolicyConfig config = PolicyFile.parse("""
                oadpNamespace: oadp
                allowDefaultStorageLocation: true
                volumeDataUpload: Deny
                allowedResourcePolicies: [tenant-safe]
                allowedResourceModifiers: [strip]
                keySource: file
                keyFileTemplate: /keys/{namespace}
                requireSseCForAllLocations: true
                verifyKeySecret: false
                minimumAwsPluginVersion: 1.14.0
                """);
        assertThat(config.oadpNamespace()).isEqualTo("oadp");
        assertThat(config.allowDefaultStorageLocation()).isTrue();
        assertThat(config.volumeDataUpload()).isEqualTo(VolumeDataUpload.Deny);
        assertThat(config.allowedResourcePolicies()).containsExactly("tenant-safe");
        assertThat(config.allowedResourceModifiers()).containsExactly("strip");
        assertThat(config.keyFileFor("team-a")).isEqualTo("/keys/team-a");
        assertThat(config.requireSseCForAllLocations()).isTrue();
        assertThat(config.verifyKeySecret()).isFalse();
        assertThat(config.minimumAwsPluginVersion()).isEqualTo("1.14.0");
        assertThat(config.trustedServiceAccounts()).contains("system:serviceaccount:oadp:velero");
    }

    @Test
    void aTypoIsAnErrorNamingTheKnob() {
        assertThatThrownBy(() -> PolicyFile.parse("allowDefaultStorageLocaton: true\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("allowDefaultStorageLocaton")
                .hasMessageContaining("allowDefaultStorageLocation");
    }

    @Test
    void theShippedConfigMapPolicyParses() throws IOException {
        Path shipped = Path.of("../deploy/webhook/policy.yaml");
        assertThat(shipped).exists();
        PolicyConfig config = PolicyFile.load(shipped);
        assertThat(config.volumeDataUpload()).isEqualTo(VolumeDataUpload.Warn);
    }

    @Test
    void policySourceKeepsTheLastGoodPolicy() throws IOException {
        Path file = Files.createTempFile("policy", ".yaml");
        try (PolicySource source = new PolicySource(file)) {
            Files.writeString(file, "volumeDataUpload: Deny\n");
            source.checkOnce();
            assertThat(source.policy().config().volumeDataUpload()).isEqualTo(VolumeDataUpload.Deny);
            Files.writeString(file, "volumeDataUpload: Sometimes\n");
            source.checkOnce();
            assertThat(source.policy().config().volumeDataUpload()).isEqualTo(VolumeDataUpload.Deny);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
