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
                leaseSeconds(env.getOrDefault("TRESOR_FREEZE_LEASE_SECONDS", "0")));
    }

    private static int leaseSeconds(String value) {
        String fix = "; set TRESOR_FREEZE_LEASE_SECONDS to the lease a freeze asks the agent for, in seconds: 0 (the "
                + "agent's default) to 86400; the agent caps it at its --lease-max-seconds";
        int seconds;
        try {
            seconds = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TRESOR_FREEZE_LEASE_SECONDS=" + value + " is not a whole number" + fix);
        }
        if (seconds < 0 || seconds > 86_400) {
            throw new IllegalArgumentException("TRESOR_FREEZE_LEASE_SECONDS=" + value + " is out of range" + fix);
        }
        return seconds;
    }
}
