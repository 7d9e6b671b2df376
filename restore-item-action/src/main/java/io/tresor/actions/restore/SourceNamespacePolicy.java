package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether an ImageStream's own {@code metadata.namespace} lies inside the namespace filters of the Restore and of the
 * Backup it reads; pure.
 *
 * <p>Why: Velero picks restore items by the namespace of their path in the backup tarball, but the action sees (and
 * used to target) the namespace written inside the object, and Velero sets the path namespace only after the actions
 * ran. Whoever can edit the tarball (a tenant owns the bucket and the SSE-C key of a NonAdminBackupStorageLocation)
 * could otherwise name another namespace there and have Velero's service account push into it. NAC forces both
 * {@code includedNamespaces} to the tenant's namespace, so an object naming any other namespace is refused.
 * Filters follow Velero: empty or {@code *} includes all, exclusions win, entries may be globs ({@code * ? [a-z]}).
 */
final class SourceNamespacePolicy {
    private SourceNamespacePolicy() {
    }

    /** Why {@code namespace} must not be restored by this action, or empty when both filters allow it. */
    static Optional<String> refusal(String namespace, ObjectNode restore, ObjectNode backup) {
        if (namespace == null || namespace.isBlank()) {
            return Optional.of("it has no metadata.namespace");
        }
        Optional<String> r = refusal(namespace, "restore", restore);
        return r.isPresent() ? r : refusal(namespace, "backup", backup);
    }

    private static Optional<String> refusal(String namespace, String kind, ObjectNode object) {
        String name = kind + " " + object.path("metadata").path("name").asText();
        List<String> included = strings(object.path("spec").path("includedNamespaces"));
        if (!included.isEmpty() && !included.contains("*") && included.stream().noneMatch(p -> matches(p, namespace))) {
            return Optional.of(name + " includes only namespaces " + included + " (spec.includedNamespaces)");
        }
        List<String> excluded = strings(object.path("spec").path("excludedNamespaces"));
        if (excluded.stream().anyMatch(p -> matches(p, namespace))) {
            return Optional.of(name + " excludes namespaces " + excluded + " (spec.excludedNamespaces)");
        }
        return Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isTextual() && !n.asText().isEmpty()) {
                out.add(n.asText());
            }
        }
        return out;
    }

    /** Velero's namespace glob: {@code *} any run, {@code ?} one character, {@code [abc]} / {@code [a-z]} one of them. */
    static boolean matches(String pattern, String name) {
        return matches(pattern, 0, name, 0);
    }

    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (matches(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length()) {
                return false;
            }
            if (c == '[') {
                int end = p.indexOf(']', pi + 1);
                if (end < 0 || !inClass(p.substring(pi + 1, end), s.charAt(si))) {
                    return false; // an unclosed bracket (Velero refuses it) matches nothing here
                }
                pi = end + 1;
            } else if (c == '?' || c == s.charAt(si)) {
                pi++;
            } else {
                return false;
            }
            si++;
        }
        return si == s.length();
    }

    private static boolean inClass(String set, char c) {
        for (int i = 0; i < set.length(); i++) {
            if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                if (c >= set.charAt(i) && c <= set.charAt(i + 2)) {
                    return true;
                }
                i += 2;
            } else if (set.charAt(i) == c) {
                return true;
            }
        }
        return false;
    }
}
