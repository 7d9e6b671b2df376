package io.tresor.actions.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Optional;

/**
 * The non-core resources the actions read and write, with their plural names given (no discovery round trip), and
 * a conversion of fabric8's generic objects to the Jackson trees the actions work on.
 */
public final class ApiResources {
    public static final ResourceDefinitionContext BACKUP = context("velero.io", "v1", "Backup", "backups");
    public static final ResourceDefinitionContext STORAGE_LOCATION =
            context("velero.io", "v1", "BackupStorageLocation", "backupstoragelocations");
    public static final ResourceDefinitionContext IMAGE_STREAM =
            context("image.openshift.io", "v1", "ImageStream", "imagestreams");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiResources() {
    }

    /** The object as a Jackson tree, empty when it does not exist. */
    public static Optional<ObjectNode> get(KubernetesClient client, ResourceDefinitionContext type, String namespace, String name) {
        GenericKubernetesResource r = client.genericKubernetesResources(type).inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(r).map(ApiResources::tree);
    }

    public static ObjectNode tree(Object fabric8Object) {
        return JSON.valueToTree(fabric8Object);
    }

    public static GenericKubernetesResource generic(ObjectNode tree) {
        return JSON.convertValue(tree, GenericKubernetesResource.class);
    }

    private static ResourceDefinitionContext context(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }
}
