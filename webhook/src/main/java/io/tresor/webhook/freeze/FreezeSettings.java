package io.tresor.webhook.freeze;

import java.util.Map;

/**
 * Who may trigger a freeze and for how long: only Velero's service account (anyone else creating a labelled
 * snapshot must not be able to freeze a tenant's filesystem); the lease is the agent's dead man's switch.
 */
public record FreezeSettings(String veleroUser, int leaseSeconds) {

    /** {@code system:serviceaccount:<oadp namespace>:velero} unless {@code TRESOR_VELERO_SERVICE_ACCOUNT} says
     * otherwise; lease from {@code TRESOR_FREEZE_LEASE_SECONDS} (0 = the agent's default). */
    public static FreezeSettings fromEnvironment(Map<String, String> env, String oadpNamespace) {
        return new FreezeSettings(env.getOrDefault("TRESOR_VELERO_SERVICE_ACCOUNT",
                "system:serviceaccount:" + oadpNamespace + ":velero"),
                Integer.parseInt(env.getOrDefault("TRESOR_FREEZE_LEASE_SECONDS", "0")));
    }
}
