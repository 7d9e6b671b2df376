package io.tresor.plugin.api;

import java.util.Objects;

/**
 * A Kubernetes object as Velero names it: API group ("" for core), plural resource, namespace ("" when
 * cluster-scoped) and name.
 */
public record ResourceIdentifier(String group, String resource, String namespace, String name) {

    public ResourceIdentifier {
        group = Objects.requireNonNullElse(group, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        if (resource == null || resource.isBlank()) {
            throw new IllegalArgumentException("resource must be a plural resource name such as persistentvolumeclaims");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
    }

    /** A namespaced object of the core API group ("" group), e.g. {@code core("persistentvolumeclaims", "ns", "data")}. */
    public static ResourceIdentifier core(String resource, String namespace, String name) {
        return new ResourceIdentifier("", resource, namespace, name);
    }

    @Override
    public String toString() {
        String gr = group.isEmpty() ? resource : resource + "." + group;
        return namespace.isEmpty() ? gr + "/" + name : gr + "/" + namespace + "/" + name;
    }
}
