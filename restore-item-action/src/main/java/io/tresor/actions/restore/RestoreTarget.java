package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where and how an ImageStream is recreated; pure. The target namespace follows the Restore's
 * {@code spec.namespaceMapping} (Velero remaps only after the actions ran, so the action must apply it itself).
 */
record RestoreTarget(String sourceNamespace, String namespace, String name) {

    static RestoreTarget of(ObjectNode itemFromBackup, ObjectNode restore) {
        String source = itemFromBackup.path("metadata").path("namespace").asText();
        String name = itemFromBackup.path("metadata").path("name").asText();
        JsonNode mapped = restore.path("spec").path("namespaceMapping").path(source);
        return new RestoreTarget(source, mapped.isTextual() && !mapped.asText().isBlank() ? mapped.asText() : source, name);
    }

    /** Whether the Restore maps the source namespace to another one. */
    boolean mapped() {
        return !sourceNamespace.equals(namespace);
    }

    /** The ImageStream's repository in the target registry. */
    String repository() {
        return namespace + "/" + name;
    }

    /**
     * The ImageStream to create, and the spec fields that pointed into the source namespace and now point into the
     * target namespace.
     *
     * @param repointedTags names of the spec tags whose {@code from} was repointed
     * @param repositoryRepointed whether {@code spec.dockerImageRepository} was
     */
    record Recreation(ObjectNode imageStream, List<String> repointedTags, boolean repositoryRepointed) {
    }

    /**
     * The ImageStream to create from the object Velero prepared (status and server fields already removed): in the
     * target namespace, without tresor's bookkeeping annotations, and what pointed into the source namespace pointing
     * into the target namespace: {@code from.namespace} of spec tags, and the pull specs of
     * {@code from.kind: DockerImage} spec tags and of {@code spec.dockerImageRepository} that name the source namespace's
     * repositories of the internal registry (else a mapped restore would import from the source tenant's repositories).
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

    /** Repoints one spec tag's {@code from}; true when it pointed into the source namespace. */
    private boolean repoint(ObjectNode from, Optional<String> registryHost) {
        boolean repointed = false;
        if (sourceNamespace.equals(from.path("namespace").asText())) {
            from.put("namespace", namespace);
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
     * {@code <registryHost>/<namespace>/<rest>} for a pull spec {@code <registryHost>/<sourceNamespace>/<rest>}, the
     * rest (repository name, tag or digest) byte for byte; empty for any other pull spec. The host and the namespace
     * must match whole: {@code <host>:5000evil/...} or {@code <host>/<sourceNamespace>x/...} are not the source
     * namespace's repositories.
     */
    Optional<String> repointPullSpec(String pullSpec, String registryHost) {
        String prefix = registryHost + "/" + sourceNamespace + "/";
        if (registryHost.isEmpty() || !pullSpec.startsWith(prefix) || pullSpec.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(registryHost + "/" + namespace + "/" + pullSpec.substring(prefix.length()));
    }
}
