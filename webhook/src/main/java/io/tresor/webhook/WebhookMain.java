package io.tresor.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tresor.webhook.cluster.InformerClusterView;
import io.tresor.webhook.cluster.SnapshotClusterView;
import io.tresor.webhook.config.PolicySource;
import io.tresor.webhook.policy.ClusterView;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the webhook from flags and environment; SIGTERM turns it unready, drains and exits. */
public final class WebhookMain {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookMain.class);

    private WebhookMain() {
    }

    private static void refreshDpa(InformerClusterView informers) {
        try {
            informers.refreshDpa();
        } catch (RuntimeException e) {
            // without the DPA the volume-data rule uses Velero's defaults; say so instead of failing the start
            LOG.warn("cannot read the DataProtectionApplication: {}", e.getClass().getSimpleName());
        }
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PolicySource policy = new PolicySource(options.policyFile());
        String oadpNamespace = policy.policy().config().oadpNamespace();
        ClusterView view;
        java.util.function.BooleanSupplier synced;
        KubernetesClient client = null;
        if (options.clusterSnapshot() != null) {
            ObjectMapper yaml = JsonMapper.builder(new YAMLFactory()).build();
            view = SnapshotClusterView.load(options.clusterSnapshot(), oadpNamespace, yaml);
            synced = () -> true;
        } else {
            client = new KubernetesClientBuilder().build();
            InformerClusterView informers = new InformerClusterView(client, oadpNamespace);
            refreshDpa(informers);
            // the DPA's defaults change what a backup does; follow them (the non-admin controller restarts on changes)
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "tresor-dpa-refresh");
                thread.setDaemon(true);
                return thread;
            }).scheduleWithFixedDelay(() -> refreshDpa(informers), 60, 60, java.util.concurrent.TimeUnit.SECONDS);
            view = informers;
            synced = informers::synced;
        }
        io.tresor.webhook.admission.AdmissionFunction freeze = client == null ? null
                : FreezeWiring.create(client, oadpNamespace, System.getenv());
        WebhookApp app = new WebhookApp(options, policy, view, synced, freeze).start();
        LOG.info("tresor-webhook listening after {} ms", (System.nanoTime() - started) / 1_000_000);
        CountDownLatch stopped = new CountDownLatch(1);
        KubernetesClient closing = client;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("SIGTERM: unready for {}, then draining", options.shutdownDelay());
            app.readiness().draining();
            try {
                Thread.sleep(options.shutdownDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            app.close();
            FreezeWiring.close();
            if (closing != null) {
                closing.close();
            }
            stopped.countDown();
        }, "tresor-shutdown"));
        stopped.await();
    }
}
