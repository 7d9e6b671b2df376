package io.tresor.webhook.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;

/** Checks an AdmissionReview response (as JSON) against a table case, the same way for every transport. */
public final class CaseAssertions {

    private CaseAssertions() {
    }

    public static void assertResponse(ReviewCase c, JsonNode reviewResponse) throws Exception {
        JsonNode response = reviewResponse.path("response");
        assertThat(reviewResponse.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(reviewResponse.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(response.path("uid").asText()).isEqualTo(c.review().path("request").path("uid").asText());
        assertThat(response.path("allowed").asBoolean()).as(c.name() + " allowed; message: "
                + response.path("status").path("message").asText()).isEqualTo(c.expectAllowed());
        String message = response.path("status").path("message").asText();
        String warnings = response.path("warnings").toString();
        if (c.expectAllowed()) {
            assertThat(response.has("status")).as(c.name() + " has no status").isFalse();
            if (c.warningWords().isEmpty()) {
                assertThat(response.path("warnings").size()).as(c.name() + " warnings " + warnings).isZero();
            }
            for (String word : c.warningWords()) {
                assertThat(warnings).as(c.name() + " warnings").contains(word);
            }
            JsonNode expectedPatch = c.expectedPatch();
            if (expectedPatch == null) {
                assertThat(response.has("patch")).as(c.name() + " has no patch").isFalse();
            } else {
                assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
                JsonNode patch = ReviewCase.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
                assertThat(patch).as(c.name() + " patch").isEqualTo(expectedPatch);
            }
        } else {
            assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
            assertThat(message).as(c.name()).startsWith("tresor denied ");
            for (String word : c.messageWords()) {
                assertThat(message).as(c.name() + " message").contains(word);
            }
            assertNoSecrets(message + warnings);
        }
    }

    /** Key bytes of the fixture must never appear in anything the webhook answers. */
    public static void assertNoSecrets(String text) {
        JsonNode items = ReviewCase.readResource("reviews/cluster.json").path("items");
        for (JsonNode item : items) {
            if (item.path("kind").asText().equals("Secret")) {
                item.path("data").forEach(value -> assertThat(text).doesNotContain(value.asText()));
            }
        }
    }
}
