package io.tresor.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tresor.freeze.client.FreezeClient;
import io.tresor.freeze.client.FreezeClientConfig;
import io.tresor.webhook.admission.AdmissionFunction;
import io.tresor.webhook.freeze.FreezeAdmission;
import io.tresor.webhook.freeze.FreezeSettings;
import java.time.Duration;
import java.util.Map;

/** Builds {@code /freeze} from the environment: the webhook's own SA token, agents found in the cluster. */
final class FreezeWiring {
    /** Well inside the /freeze webhook's timeoutSeconds (5 s): a slow agent must not eat the apiserver's budget. */
    static final Duration AGENT_CALL_TIMEOUT = Duration.ofSeconds(2);
    private static volatile FreezeClient agents;

    private FreezeWiring() {
    }

    static AdmissionFunction create(KubernetesClient client, String oadpNamespace, Map<String, String> env) {
        // every setting is checked before anything talks to the cluster: a refused one stops the start cleanly
        FreezeClientConfig config = FreezeClientConfig.fromEnvironment(env, AGENT_CALL_TIMEOUT);
        FreezeSettings settings = FreezeSettings.fromEnvironment(env, oadpNamespace);
        agents = FreezeClient.create(client, config);
        return new FreezeAdmission(settings, client, agents);
    }

    static void close() {
        FreezeClient c = agents;
        if (c != null) {
            c.close();
        }
    }
}
