package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where and how an ImageStream is recreated; pure. The target namespace follows the Restore's
 * {@code spec.namespaceMapping} (Velero remaps only after the actions ran, so the action must apply it itself), and so
 * do the spec's references into any mapped namespace, as Velero renames namespaces everywhere it knows them.
 *
 * @param mapping the Restore's namespace mapping (source → target), entries that rename only
 */
record RestoreTarget(String sourceNamespace, String namespace, String name, Map<String, String> mapping) {

    RestoreTarget {
        mapping = Map.copyOf(mapping);
    }

    /** A restore of {@code sourceNamespace}/{@code name} into {@code namespace}, no other namespace mapped. */
    RestoreTarget(String sourceNamespace, String namespace, String name) {
        this(sourceNamespace, namespace, name, sourceNamespace.equals(namespace) ? Map.of() : Map.of(sourceNamespace, namespace));
    }

    static RestoreTarget of(ObjectNode itemFromBackup, ObjectNode restore) {
        String source = itemFromBackup.path("metadata").path("namespace").asText();
        String name = itemFromBackup.path("metadata").path("name").asText();
        Map<String, String> mapping = new TreeMap<>();
        restore.path("spec").path("namespaceMapping").properties().forEach(e -> {
            if (e.getValue().isTextual() && !e.getValue().asText().isBlank() && !e.getKey().equals(e.getValue().asText())) {
                mapping.put(e.getKey(), e.getValue().asText());
            }
        });
        return new RestoreTarget(source, mapping.getOrDefault(source, source), name, mapping);
    }

    /** Whether the Restore maps any namespace: then references into mapped namespaces are repointed. */
    boolean mapped() {
        return !mapping.isEmpty();
    }

    /** The mapping as {@code a → b, c → d}, for log lines. */
    String mappingText() {
        return String.join(", ", mapping.entrySet().stream().map(e -> e.getKey() + " → " + e.getValue()).toList());
    }

    /** The ImageStream's repository in the target registry. */
    String repository() {
        return namespace + "/" + name;
    }

    /**
     * The ImageStream to create, and the spec fields that pointed into a mapped namespace and now point into its
     * target.
     *
     * @param repointedTags names of the spec tags whose {@code from} was repointed
     * @param repositoryRepointed whether {@code spec.dockerImageRepository} was
     */
    record Recreation(ObjectNode imageStream, List<String> repointedTags, boolean repositoryRepointed) {
    }

    /**
     * The ImageStream to create from the object Velero prepared (status and server fields already removed): in the
     * target namespace, without tresor's bookkeeping annotations, and what pointed into a mapped namespace (the source
     * namespace, or another one the Restore maps) pointing into its target: {@code from.namespace} of spec tags, and the
     * pull specs of {@code from.kind: DockerImage} spec tags and of {@code spec.dockerImageRepository} that name such a
     * namespace's repositories of the internal registry (else a mapped restore would import from the source tenant's
     * repositories).
     *
     * @param registryHost the internal registry's {@code host[:port]} exactly as the cluster configures it; needed only
     *                     when {@link #mapped()}: without it, pull specs are left as they are
     */
    Recreation imageStream(ObjectNode prepared, Optional<String> registryHost) {
        ObjectNode is = prepared.deepCopy();
        is.remove("status");
        ObjectNode metadata = is.withObjectProperty("metadata");
        metadata.put("namespace", namespace);
        JsonNode annotations = metadata.path("annotations");
        if (annotations instanceof ObjectNode a) {
            List<String> ours = new ArrayList<>();
            a.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("tresor.io/")) {
                    ours.add(k);
                }
            });
            a.remove(ours);
            if (a.isEmpty()) {
                metadata.remove("annotations");
            }
        }
        if (!mapped()) {
            return new Recreation(is, List.of(), false);
        }
        List<String> repointedTags = new ArrayList<>();
        for (JsonNode tag : is.path("spec").path("tags")) {
            if (tag.path("from") instanceof ObjectNode from && repoint(from, registryHost)) {
                repointedTags.add(tag.path("name").asText());
            }
        }
        boolean repositoryRepointed = false;
        if (is.path("spec") instanceof ObjectNode spec && spec.path("dockerImageRepository").isTextual()) {
            Optional<String> repointed = registryHost.flatMap(h -> repointPullSpec(spec.path("dockerImageRepository").asText(), h));
            if (repointed.isPresent()) {
                spec.put("dockerImageRepository", repointed.get());
                repositoryRepointed = true;
            }
        }
        return new Recreation(is, List.copyOf(repointedTags), repositoryRepointed);
    }

    /** Repoints one spec tag's {@code from}; true when it pointed into a mapped namespace. */
    private boolean repoint(ObjectNode from, Optional<String> registryHost) {
        boolean repointed = false;
        String target = mapping.get(from.path("namespace").asText());
        if (target != null) {
            from.put("namespace", target);
            repointed = true;
        }
        if ("DockerImage".equals(from.path("kind").asText()) && from.path("name").isTextual()) {
            Optional<String> name = registryHost.flatMap(h -> repointPullSpec(from.path("name").asText(), h));
            if (name.isPresent()) {
                from.put("name", name.get());
                repointed = true;
            }
        }
        return repointed;
    }

    /**
     * {@code <registryHost>/<target>/<rest>} for a pull spec {@code <registryHost>/<mapped namespace>/<rest>}, the rest
     * (repository name, tag or digest) byte for byte; empty for any other pull spec. The host and the namespace must
     * match whole: {@code <host>:5000evil/...} or {@code <host>/<namespace>x/...} are not that namespace's repositories.
     */
    Optional<String> repointPullSpec(String pullSpec, String registryHost) {
        String hostPrefix = registryHost + "/";
        if (registryHost.isEmpty() || !pullSpec.startsWith(hostPrefix)) {
            return Optional.empty();
        }
        int slash = pullSpec.indexOf('/', hostPrefix.length());
        if (slash < 0 || slash == pullSpec.length() - 1) {
            return Optional.empty(); // a top-level repository, or a namespace without one
        }
        String target = mapping.get(pullSpec.substring(hostPrefix.length(), slash));
        return target == null ? Optional.empty() : Optional.of(hostPrefix + target + pullSpec.substring(slash));
    }
}
