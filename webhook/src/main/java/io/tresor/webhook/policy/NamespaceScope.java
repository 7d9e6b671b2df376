package io.tresor.webhook.policy;

import java.util.List;

/** The tenant-isolation check shared by backups, restores and hooks: only the own namespace. */
final class NamespaceScope {

    private NamespaceScope() {
    }

    static void onlyOwn(List<String> namespaces, String field, String namespace, Findings findings) {
        for (String candidate : namespaces) {
            if (!candidate.equals(namespace)) {
                findings.deny(field, "may only contain your own namespace " + namespace + ", not '" + candidate
                        + "'; remove it");
                return;
            }
        }
    }
}
