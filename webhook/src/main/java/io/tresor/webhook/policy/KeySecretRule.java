package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.KEY_LABEL;
import static io.tresor.webhook.policy.OadpNames.KEY_SECRET_FIELD;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keeps an SSE-C key Secret immutable while a storage location uses it: a changed key strands every older backup. With
 * verifyKeySecret, a changed credentials entry must also hold only static keys, as at the location's admission.
 */
final class KeySecretRule {

    private static final String ROTATE = "to rotate, create a new Secret and a new NonAdminBackupStorageLocation, and "
            + "keep this one until its backups expire";

    private final PolicyConfig config;

    KeySecretRule(PolicyConfig config) {
        this.config = config;
    }

    void check(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode old = request.oldObject();
        if (request.operation() == Operation.CREATE || !"true".equals(Fields.label(old, KEY_LABEL))) {
            return;
        }
        String secretName = Fields.text(old, "metadata", "name");
        List<JsonNode> locations = view.nonAdminBackupStorageLocations(request.namespace());
        if (config.verifyKeySecret() && request.operation() == Operation.UPDATE) {
            credentials(old, request.object(), locations, secretName, findings);
        }
        List<Use> uses = uses(locations, secretName);
        if (uses.isEmpty()) {
            if (config.verifyKeySecret() && request.operation() == Operation.UPDATE
                    && !"true".equals(Fields.label(request.object(), KEY_LABEL))) {
                // with keySource file a location names this Secret only as its credential: the label is what lets
                // this rule see (and judge) later changes of the credentials entry
                Set<String> names = new TreeSet<>();
                credentialUsers(locations, secretName).values().forEach(names::addAll);
                if (!names.isEmpty()) {
                    findings.deny("metadata.labels." + KEY_LABEL, "cannot be removed while NonAdminBackupStorageLocation "
                            + String.join(", ", names) + " uses this Secret's credentials: its later changes would no "
                            + "longer be checked; delete that location first");
                }
            }
            return;
        }
        String users = String.join(", ", uses.stream().map(Use::location).distinct().toList());
        if (request.operation() == Operation.DELETE) {
            findings.deny("Secret " + secretName, "holds the SSE-C key of NonAdminBackupStorageLocation " + users
                    + "; delete that location first (" + ROTATE + ")");
            return;
        }
        JsonNode now = request.object();
        if (!"true".equals(Fields.label(now, KEY_LABEL))) {
            findings.deny("metadata.labels." + KEY_LABEL, "cannot be removed while NonAdminBackupStorageLocation "
                    + users + " uses this Secret's key");
        }
        for (Use use : uses) {
            // compare the encoded values only; they are never copied into a message or a log
            if (!Objects.equals(Fields.at(old, "data", use.key()), Fields.at(now, "data", use.key()))) {
                findings.deny("data." + use.key(), "is the SSE-C key of NonAdminBackupStorageLocation " + use.location()
                        + " and cannot change or be removed: older backups would become unreadable; " + ROTATE);
            }
        }
    }

    /**
     * A location admitted with static keys must not get role or process settings by a later edit of its Secret: the
     * controller copies the new content to Velero. Only a changed entry is judged, so an untouched one never blocks.
     */
    private static void credentials(JsonNode old, JsonNode now, List<JsonNode> locations, String secretName,
            Findings findings) {
        credentialUsers(locations, secretName).forEach((key, names) -> {
            JsonNode value = Fields.at(now, "data", key);
            if (!value.isTextual() || Objects.equals(Fields.at(old, "data", key), value)) {
                return;
            }
            String problem;
            try {
                byte[] raw = Base64.getDecoder().decode(value.asText().trim());
                problem = CredentialSettings.problem(CredentialSettings.names(raw));
                Arrays.fill(raw, (byte) 0);
            } catch (IllegalArgumentException e) {
                problem = "is not base64"; // the API server refuses this before admission; fail closed anyway
            }
            if (!problem.isEmpty()) {
                findings.deny("data." + key, "is the credentials entry of NonAdminBackupStorageLocation "
                        + String.join(", ", names) + " and " + problem);
            }
        });
    }

    /** Credentials entry key → names of the locations whose {@code credential} names this Secret. */
    private static Map<String, Set<String>> credentialUsers(List<JsonNode> locations, String secretName) {
        Map<String, Set<String>> users = new TreeMap<>();
        for (JsonNode nabsl : locations) {
            JsonNode credential = Fields.at(nabsl, "spec", "backupStorageLocationSpec", "credential");
            String key = Fields.text(credential, "key");
            if (Fields.text(credential, "name").equals(secretName) && !key.isEmpty()) {
                users.computeIfAbsent(key, k -> new TreeSet<>()).add(Fields.text(nabsl, "metadata", "name"));
            }
        }
        return users;
    }

    private static List<Use> uses(List<JsonNode> locations, String secretName) {
        List<Use> uses = new ArrayList<>();
        for (JsonNode nabsl : locations) {
            JsonNode spec = Fields.at(nabsl, "spec", "backupStorageLocationSpec");
            String reference = Fields.text(spec, "config", KEY_SECRET_FIELD);
            LocationRules.KeyReference.parse(reference)
                    .filter(ref -> ref.secret().equals(secretName))
                    .ifPresent(ref -> uses.add(new Use(Fields.text(nabsl, "metadata", "name"), ref.key())));
        }
        return uses;
    }

    private record Use(String location, String key) {
    }
}
