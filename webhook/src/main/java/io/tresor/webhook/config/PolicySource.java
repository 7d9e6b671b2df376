package io.tresor.webhook.config;

import io.tresor.webhook.policy.KeyBinding;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.policy.TenantPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The current policy; follows edits of the ConfigMap-mounted file and keeps the last good one on errors. */
public final class PolicySource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySource.class);

    private record Current(String text, TenantPolicy policy, KeyBinding binding) {
    }

    private final Path file;
    private final AtomicReference<Current> current = new AtomicReference<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tresor-policy-reloader");
        thread.setDaemon(true);
        return thread;
    });

    /** Loads the file now (null: safe defaults); an invalid file at start is fatal. */
    public PolicySource(Path file) throws IOException {
        this.file = file;
        String text = file == null ? "" : Files.readString(file);
        current.set(build(text, PolicyFile.parse(text)));
    }

    public static PolicySource of(PolicyConfig config) throws IOException {
        PolicySource source = new PolicySource(null);
        source.current.set(source.build("", config));
        return source;
    }

    /** Replaces the policy programmatically (the file, if any, wins again on its next change). */
    public void use(PolicyConfig config) {
        current.set(build(current.get().text(), config));
    }

    public TenantPolicy policy() {
        return current.get().policy();
    }

    public KeyBinding binding() {
        return current.get().binding();
    }

    public void watch(Duration interval) {
        if (file != null) {
            poller.scheduleWithFixedDelay(this::checkOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void checkOnce() {
        try {
            String text = Files.readString(file);
            if (!text.equals(current.get().text())) {
                current.set(build(text, PolicyFile.parse(text)));
                LOG.info("policy reloaded from {}", file);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("policy file {} not reloaded, keeping the previous policy: {}", file, e.getMessage());
        }
    }

    private Current build(String text, PolicyConfig config) {
        return new Current(text, new TenantPolicy(config), new KeyBinding(config));
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
