package io.tresor.webhook.freeze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy/webhook-freeze says what issue 5 requires and matches what the endpoint expects. */
class FreezeManifestTest {
    private static final Path DIR = Path.of("../deploy/webhook-freeze");

    @Test
    void theFreezeWebhookNeverBlocksAndOnlySeesVelerosSnapshots() throws Exception {
        JsonNode hook = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("webhook.yaml").toFile())
                .path("webhooks").get(0);
        assertThat(hook.path("clientConfig").path("service").path("path").asText()).isEqualTo("/freeze");
        assertThat(hook.path("failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(hook.path("sideEffects").asText()).isEqualTo("NoneOnDryRun");
        assertThat(hook.path("timeoutSeconds").asInt()).isBetween(1, 5);
        assertThat(hook.path("rules")).extracting(r -> r.path("resources").get(0).asText() + " "
                + r.path("operations").toString()).containsExactly("volumesnapshots [\"CREATE\"]",
                "volumegroupsnapshots [\"CREATE\"]");
        assertThat(hook.path("objectSelector").path("matchExpressions").get(0).path("key").asText())
                .isEqualTo(SnapshotTrigger.BACKUP_NAME_LABEL);
        String velero = FreezeSettings.fromEnvironment(Map.of(), "openshift-adp").veleroUser();
        assertThat(hook.path("matchConditions").get(0).path("expression").asText())
                .isEqualTo("request.userInfo.username == '" + velero + "'");
    }
}
