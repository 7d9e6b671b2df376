package io.tresor.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AwsPluginVersionTest {

    private final PolicyConfig secretMode = PolicyConfig.defaults();

    @Test
    void recentPluginsPass() {
        assertThat(AwsPluginVersion.problem("quay.io/konveyor/velero-plugin-for-aws:v1.13.0", secretMode)).isEmpty();
        assertThat(AwsPluginVersion.problem("velero/velero-plugin-for-aws:v1.14.0-rc.1", secretMode)).isEmpty();
        assertThat(AwsPluginVersion.problem("registry.redhat.io/oadp/oadp-velero-plugin-for-aws-rhel9:oadp-1.6",
                secretMode)).isEmpty();
    }

    @Test
    void olderPluginsAreReported() {
        assertThat(AwsPluginVersion.problem("velero/velero-plugin-for-aws:v1.12.2", secretMode))
                .hasValueSatisfying(p -> assertThat(p).contains("older than 1.13.0", "keySource: file"));
        assertThat(AwsPluginVersion.problem("registry.redhat.io/oadp/oadp-velero-plugin-for-aws-rhel9:oadp-1.5",
                secretMode)).isPresent();
        assertThat(AwsPluginVersion.problem("registry:5000/velero-plugin-for-aws:latest", secretMode))
                .hasValueSatisfying(p -> assertThat(p).contains("no version tag"));
        assertThat(AwsPluginVersion.problem("", secretMode)).hasValueSatisfying(p -> assertThat(p).contains("unknown"));
    }

    @Test
    void fileModeDoesNotNeedTheNewPlugin() {
        PolicyConfig fileMode = new PolicyConfig(null, null, null, List.of(), List.of(), KeySource.file, null, null, null,
                null, null);
        assertThat(AwsPluginVersion.problem("velero/velero-plugin-for-aws:v1.10.0", fileMode)).isEmpty();
    }
}
