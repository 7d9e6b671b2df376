package io.tresor.webhook.cluster;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live Secret read gives up before the API server's 5 s webhook timeout would, so the webhook still answers. */
class SecretReadTimeoutTest {

    @Test
    void aSecretReadFromAnApiServerThatNeverAnswersEndsBeforeTheAdmissionTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());   // accepts, reads nothing, answers nothing
                    }
                } catch (Exception closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort()).build()).build()) {
                InformerClusterView view = new InformerClusterView(client, "openshift-adp");
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> view.secret("shop", "tenant-key")).isInstanceOf(RuntimeException.class);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).as("gave up after its own timeout, before the webhook's 5 s")
                        .isGreaterThanOrEqualTo(InformerClusterView.SECRET_READ_TIMEOUT_MS - 100).isLessThan(5_000);
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
