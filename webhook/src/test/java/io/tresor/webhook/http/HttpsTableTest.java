package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.support.CaseAssertions;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.RunningWebhook;
import io.tresor.webhook.support.SwitchableClusterView;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every table case through the real server over HTTPS on 127.0.0.1, with each case's policy and cluster state. */
class HttpsTableTest {

    @Test
    void everyCaseOverHttps() throws Exception {
        Map<String, List<ReviewCase>> byEnvironment = new LinkedHashMap<>();
        for (ReviewCase c : ReviewCase.all()) {
            byEnvironment.computeIfAbsent(c.environmentKey(), k -> new ArrayList<>()).add(c);
        }
        int judged = 0;
        SwitchableClusterView view = new SwitchableClusterView(ReviewCase.all().get(0).clusterView());
        try (RunningWebhook webhook = new RunningWebhook(PolicyConfig.defaults(), view, () -> true)) {
            for (List<ReviewCase> cases : byEnvironment.values()) {
                view.use(cases.get(0).clusterView());
                webhook.policySource.use(cases.get(0).policyConfig());
                for (ReviewCase c : cases) {
                    HttpResponse<String> response = webhook.https.review("/" + c.endpoint(), c.reviewBytes());
                    assertThat(response.statusCode()).as(c.name()).isEqualTo(200);
                    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                            t -> assertThat(t).startsWith("application/json"));
                    CaseAssertions.assertResponse(c, ReviewCase.JSON.readTree(response.body()));
                    judged++;
                }
            }
        }
        assertThat(judged).isEqualTo(ReviewCase.all().size());
    }
}
