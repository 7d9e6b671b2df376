package io.tresor.webhook.policy;

/** Where a tenant location's SSE-C key comes from. */
public enum KeySource {
    /** {@code customerKeyEncryptionSecret: <credential>/<key>}: the tenant's own Secret (AWS plugin 1.13+). */
    secret,
    /** {@code customerKeyEncryptionFile}: an admin-mounted file at a per-namespace path (older AWS plugins). */
    file
}
