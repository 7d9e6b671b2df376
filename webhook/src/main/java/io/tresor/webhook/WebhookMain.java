package io.tresor.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tresor.serverlogging.ServerLogLevel;
import io.tresor.webhook.cluster.InformerClusterView;
import io.tresor.webhook.cluster.SnapshotClusterView;
import io.tresor.webhook.config.PolicySource;
import io.tresor.webhook.policy.ClusterView;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the webhook from flags and environment; SIGTERM turns it unready, drains and exits. */
public final class WebhookMain {

    private WebhookMain() {
    }

    /**
     * Not a static field: slf4j-simple reads its settings once, when it creates its first logger, and that must come
     * after {@code --log-level} is applied.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(WebhookMain.class);
    }

    private static void refreshDpa(InformerClusterView informers) {
        try {
            informers.refreshDpa();
        } catch (RuntimeException e) {
            // without the DPA the volume-data rule uses Velero's defaults; say so instead of failing the start
            log().warn("cannot read the DataProtectionApplication: {}", e.getClass().getSimpleName());
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
        // before any logger exists (see log()); the libraries that would log tokens, keys or request bodies below INFO
        // stay at INFO (simplelogger.properties)
        ServerLogLevel.apply(options.logLevel());
        PolicySource policy = new PolicySource(options.policyFile());
        String oadpNamespace = policy.policy().config().oadpNamespace();
        ClusterView view;
        java.util.function.BooleanSupplier synced;
        KubernetesClient client = null;
        io.tresor.webhook.admission.AdmissionFunction freeze = null;
        if (options.clusterSnapshot() != null) {
            ObjectMapper yaml = JsonMapper.builder(new YAMLFactory()).build();
            view = SnapshotClusterView.load(options.clusterSnapshot(), oadpNamespace, yaml);
            synced = () -> true;
        } else {
            client = new KubernetesClientBuilder().build();
            try {
                freeze = FreezeWiring.create(client, oadpNamespace, System.getenv());
            } catch (IllegalArgumentException e) {
                // a setting of the freeze client (its CA file, say): one line that names it, not a stack trace; the
                // pod restarts until it is fixed (an injected CA bundle may also just not be there yet). Before the
                // informers start: closing the client under watches still starting logs their failures as errors.
                log().error("cannot start: {}", e.getMessage());
                client.close();
                System.exit(2);
                return;
            }
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
        WebhookApp app = new WebhookApp(options, policy, view, synced, freeze).start();
        log().info("tresor-webhook listening after {} ms", (System.nanoTime() - started) / 1_000_000);
        CountDownLatch stopped = new CountDownLatch(1);
        KubernetesClient closing = client;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log().info("SIGTERM: unready for {}, then draining", options.shutdownDelay());
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
