package io.tresor.webhook.policy;

/** What to do with backups that upload volume data through Kopia, which SSE-C does not cover. */
public enum VolumeDataUpload {
    /** Refuse the backup. */
    Deny,
    /** Admit it with a warning (the default). */
    Warn,
    /** Admit it silently. */
    Allow
}
