package io.tresor.actions.cluster;

import io.tresor.imagearchive.registry.OciRegistryClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the ImageStream actions, from the Velero container's environment (set through the DPA's
 * {@code configuration.velero.podConfig.env}). All optional; the defaults fit OpenShift.
 *
 * @param registryHost      {@code TRESOR_REGISTRY_HOST}: the internal registry's {@code host[:port]} as it appears in
 *                          ImageStream references; default: discovered from the cluster
 * @param registryUrl       {@code TRESOR_REGISTRY_URL}: where the plugin connects to that registry; default
 *                          {@code https://<registryHost>}
 * @param registryTokenFile {@code TRESOR_REGISTRY_TOKEN_FILE}: the bearer token used as registry password; default the
 *                          pod's service-account token
 * @param copyParallelism   {@code TRESOR_IMAGE_COPY_PARALLELISM}: blobs copied at once per image (default 4)
 * @param gcPassInterval    {@code TRESOR_GC_PASS_INTERVAL} (ISO-8601, default PT24H): the two GC passes are at least
 *                          this far apart; must exceed the longest backup
 * @param gcInProgressMaxAge {@code TRESOR_GC_INPROGRESS_MAX_AGE} (default PT24H): older in-progress roots are dead captures
 * @param registryIdleTimeout {@code TRESOR_REGISTRY_IDLE_TIMEOUT_SECONDS} (1 to 3600, default 60): a blob or manifest
 *                          read from the registry that gets no byte for this long fails and is retried, so a stalled
 *                          registry cannot hang a backup
 */
public record ImageActionSettings(Optional<String> registryHost, Optional<URI> registryUrl, Path registryTokenFile,
                                  int copyParallelism, Duration gcPassInterval, Duration gcInProgressMaxAge,
                                  Duration registryIdleTimeout) {
    public static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /** Settings with the default registry idle timeout. */
    public ImageActionSettings(Optional<String> registryHost, Optional<URI> registryUrl, Path registryTokenFile,
                               int copyParallelism, Duration gcPassInterval, Duration gcInProgressMaxAge) {
        this(registryHost, registryUrl, registryTokenFile, copyParallelism, gcPassInterval, gcInProgressMaxAge,
                OciRegistryClient.DEFAULT_IDLE_TIMEOUT);
    }

    public static ImageActionSettings fromEnvironment(Map<String, String> env) {
        return new ImageActionSettings(
                Optional.ofNullable(blankToNull(env.get("TRESOR_REGISTRY_HOST"))),
                Optional.ofNullable(blankToNull(env.get("TRESOR_REGISTRY_URL"))).map(URI::create),
                Optional.ofNullable(blankToNull(env.get("TRESOR_REGISTRY_TOKEN_FILE"))).map(Path::of).orElse(SERVICE_ACCOUNT_TOKEN),
                integer(env, "TRESOR_IMAGE_COPY_PARALLELISM", 4, 64, "a number"),
                duration(env, "TRESOR_GC_PASS_INTERVAL", Duration.ofHours(24)),
                duration(env, "TRESOR_GC_INPROGRESS_MAX_AGE", Duration.ofHours(24)),
                Duration.ofSeconds(integer(env, "TRESOR_REGISTRY_IDLE_TIMEOUT_SECONDS",
                        (int) OciRegistryClient.DEFAULT_IDLE_TIMEOUT.toSeconds(), 3600, "a whole number of seconds")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static int integer(Map<String, String> env, String name, int fallback, int max, String what) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + "='" + v + "' is not " + what + " from 1 to " + max
                + ": fix the Velero container's env");
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = Duration.parse(v);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + "='" + v + "' is not an ISO-8601 duration such as PT24H: fix the Velero container's env");
    }
}
