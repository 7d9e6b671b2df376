package io.tresor.plugin.api;

import java.util.List;
import java.util.Objects;

/**
 * Which items an action applies to, as Velero's ResourceSelector: namespaces, resources (plural, optionally
 * {@code resource.group}, glob patterns allowed) and a label selector string. Empty lists mean "all".
 */
public record ResourceSelector(
        List<String> includedNamespaces,
        List<String> excludedNamespaces,
        List<String> includedResources,
        List<String> excludedResources,
        String labelSelector) {

    public ResourceSelector {
        includedNamespaces = List.copyOf(Objects.requireNonNullElse(includedNamespaces, List.of()));
        excludedNamespaces = List.copyOf(Objects.requireNonNullElse(excludedNamespaces, List.of()));
        includedResources = List.copyOf(Objects.requireNonNullElse(includedResources, List.of()));
        excludedResources = List.copyOf(Objects.requireNonNullElse(excludedResources, List.of()));
        labelSelector = Objects.requireNonNullElse(labelSelector, "");
    }

    /** Selects every item (Velero's meaning of an empty selector). */
    public static ResourceSelector all() {
        return new ResourceSelector(null, null, null, null, null);
    }

    /** Selects the given resources in every namespace, e.g. {@code resources("imagestreams.image.openshift.io")}. */
    public static ResourceSelector resources(String... resources) {
        return new ResourceSelector(null, null, List.of(resources), null, null);
    }

    /** A copy of this selector restricted by a Kubernetes label selector such as {@code app=db,tier in (a,b)}. */
    public ResourceSelector withLabelSelector(String selector) {
        return new ResourceSelector(includedNamespaces, excludedNamespaces, includedResources, excludedResources, selector);
    }

    /** A copy of this selector restricted to the given namespaces. */
    public ResourceSelector inNamespaces(String... namespaces) {
        return new ResourceSelector(List.of(namespaces), excludedNamespaces, includedResources, excludedResources, labelSelector);
    }
}
