package io.tresor.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.webhook.admission.AdmissionResponse;
import io.tresor.webhook.admission.AdmissionReviewCodec;
import io.tresor.webhook.admission.Mutation;
import io.tresor.webhook.admission.Validation;
import io.tresor.webhook.support.CaseAssertions;
import io.tresor.webhook.support.ReviewCase;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every table case against the pure policy (no HTTP, no cluster I/O). */
class PolicyTableTest {

    private static final AdmissionReviewCodec CODEC = new AdmissionReviewCodec();

    @Test
    void theTableHasEnoughCases() {
        assertThat(ReviewCase.load("deny")).hasSizeGreaterThanOrEqualTo(60)
                .allSatisfy(c -> assertThat(c.expectAllowed()).isFalse());
        assertThat(ReviewCase.load("allow")).hasSizeGreaterThanOrEqualTo(25)
                .allSatisfy(c -> assertThat(c.expectAllowed()).isTrue());
        assertThat(ReviewCase.load("deny")).allSatisfy(c -> assertThat(c.messageWords()).isNotEmpty());
    }

    @TestFactory
    Stream<DynamicTest> everyCaseDecidesAsExpected() {
        List<ReviewCase> cases = ReviewCase.all();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            AdmissionReviewCodec.Review review = CODEC.decode(c.reviewBytes());
            PolicyConfig config = c.policyConfig();
            ClusterView view = c.clusterView();
            AdmissionResponse response = c.endpoint().equals("mutate")
                    ? new Mutation(() -> new KeyBinding(config)).apply(review.request())
                    : new Validation(() -> new TenantPolicy(config), view).apply(review.request());
            JsonNode json = ReviewCase.JSON.readTree(CODEC.encode(review.apiVersion(), review.kind(), response));
            CaseAssertions.assertResponse(c, json);
        }));
    }

    @Test
    void policyIsDeterministicAndTheSameForDryRun() throws Exception {
        for (ReviewCase c : ReviewCase.load("deny")) {
            if (!c.endpoint().equals("validate")) {
                continue;
            }
            AdmissionRequest request = CODEC.decode(c.reviewBytes()).request();
            AdmissionRequest dry = new AdmissionRequest(request.uid(), request.group(), request.version(), request.kind(),
                    request.namespace(), request.name(), request.operation(), request.username(), request.userGroups(),
                    !request.dryRun(), request.object(), request.oldObject());
            TenantPolicy policy = new TenantPolicy(c.policyConfig());
            assertThat(policy.decide(dry, c.clusterView())).as(c.name()).isEqualTo(policy.decide(request, c.clusterView()));
        }
    }
}
