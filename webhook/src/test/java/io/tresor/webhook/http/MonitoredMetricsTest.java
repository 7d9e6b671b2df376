package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.testing.AlertRules;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.support.Https;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.RunningWebhook;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every metric deploy/webhook/prometheusrule.yaml alerts on is exported by the real webhook, with the real names. */
class MonitoredMetricsTest {

    /** A view whose lookups all fail (the DPA is read at start and stays real): every review is an internal error. */
    private static ClusterView failingLookups(ClusterView real) {
        return (ClusterView) Proxy.newProxyInstance(ClusterView.class.getClassLoader(),
                new Class<?>[] {ClusterView.class}, (proxy, method, args) -> {
                    if (method.getName().equals("dpa")) {
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    throw new IllegalStateException("synthetic lookup failure");
                });
    }

    @Test
    void everyMetricTheAlertsUseIsExported() throws Exception {
        Set<String> used = AlertRules.read(Path.of("../deploy/webhook/prometheusrule.yaml")).metricNames();
        assertThat(used).as("metric names in the rules' expressions").contains(
                "tresor_webhook_certificate_expiry_seconds", "tresor_webhook_aws_plugin_supported",
                "tresor_webhook_admission_seconds_count");
        ReviewCase valid = ReviewCase.load("allow").stream().filter(c -> c.name().endsWith("/nabsl-valid"))
                .findFirst().orElseThrow();
        try (RunningWebhook webhook = new RunningWebhook(PolicyConfig.defaults(), failingLookups(valid.clusterView()),
                () -> true)) {
            assertThat(webhook.https.review("/validate", valid.reviewBytes()).body()).contains("internal error");
            String scrape = Https.get(webhook.app.adminPort(), "/metrics").body();
            assertThat(AlertRules.exported(scrape)).containsAll(used);
            // the series TresorWebhookInternalErrors selects
            assertThat(scrape).containsPattern("tresor_webhook_admission_seconds_count\\{decision=\"error\","
                    + "endpoint=\"validate\",[^}]*} 1\\b");
        }
    }
}
