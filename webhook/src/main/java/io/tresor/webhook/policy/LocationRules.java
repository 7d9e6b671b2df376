package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.KEY_BYTES;
import static io.tresor.webhook.policy.OadpNames.KEY_FILE_FIELD;
import static io.tresor.webhook.policy.OadpNames.KEY_LABEL;
import static io.tresor.webhook.policy.OadpNames.KEY_SECRET_FIELD;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SSE-C and transport rules for a storage location spec (tenant, controller-created or admin-owned). */
final class LocationRules {

    static final String MAKE_KEY = "create one with `head -c 32 /dev/urandom > sse.key` and add it with "
            + "`oc set data secret/%s --from-file=%s=sse.key` (raw bytes, not base64 text)";

    private final PolicyConfig config;

    LocationRules(PolicyConfig config) {
        this.config = config;
    }

    /** A NonAdminBackupStorageLocation's {@code spec.backupStorageLocationSpec}. */
    void tenantLocation(JsonNode spec, String prefix, String namespace, ClusterView view, Findings findings) {
        provider(spec, prefix, findings);
        if (Fields.isTrue(spec, "default")) {
            findings.deny(prefix + ".default", "a tenant location cannot be the cluster default; remove `default: true`");
        }
        String credential = Fields.text(spec, "credential", "name");
        if (credential.isEmpty() || Fields.text(spec, "credential", "key").isEmpty()) {
            findings.deny(prefix + ".credential", "name and key are required: set them to your own Secret in namespace "
                    + namespace + " and the key holding the cloud credentials");
        }
        tenantPrefix(spec, prefix, namespace, findings);
        transport(spec, prefix, findings);
        refuseKms(spec, prefix, findings);
        refuseSharedFiles(spec, prefix, findings);
        if (config.keySource() == KeySource.file) {
            tenantKeyFile(spec, prefix, namespace, findings);
            if (config.verifyKeySecret() && !credential.isEmpty()) {
                credentialSecret(namespace, credential, Fields.text(spec, "credential", "key"), view, prefix, findings);
            }
        } else {
            tenantKeySecret(spec, prefix, namespace, credential, view, findings);
        }
    }

    /** A Velero BackupStorageLocation that the non-admin controller created from a tenant's location. */
    void controllerLocation(JsonNode spec, String originNamespace, Findings findings) {
        provider(spec, "spec", findings);
        if (Fields.isTrue(spec, "default")) {
            findings.deny("spec.default", "a location created for a tenant cannot be the cluster default");
        }
        controllerPrefix(spec, originNamespace, findings);
        transport(spec, "spec", findings);
        refuseKms(spec, "spec", findings);
        refuseSharedFiles(spec, "spec", findings);
        String keySecret = Fields.text(spec, "config", KEY_SECRET_FIELD);
        String keyFile = Fields.text(spec, "config", KEY_FILE_FIELD);
        if (config.keySource() == KeySource.file) {
            if (!keySecret.isEmpty()) {
                findings.deny("spec.config." + KEY_SECRET_FIELD, "refused with keySource file; use "
                        + KEY_FILE_FIELD + " " + config.keyFileFor(originNamespace));
            }
            if (!keyFile.equals(config.keyFileFor(originNamespace))) {
                findings.deny("spec.config." + KEY_FILE_FIELD, "must be " + config.keyFileFor(originNamespace)
                        + " for a location of namespace " + originNamespace);
            }
            return;
        }
        if (!keyFile.isEmpty()) {
            findings.deny("spec.config." + KEY_FILE_FIELD, "a tenant location cannot read a file of the Velero pod; use "
                    + KEY_SECRET_FIELD);
        }
        String credential = Fields.text(spec, "credential", "name");
        Optional<KeyReference> ref = KeyReference.parse(keySecret);
        if (ref.isEmpty() || ref.get().key().isEmpty()) {
            findings.deny("spec.config." + KEY_SECRET_FIELD, "must be <spec.credential.name>/<key> (the synced tenant Secret)");
        } else if (!ref.get().secret().equals(credential)) {
            findings.deny("spec.config." + KEY_SECRET_FIELD, "must name this location's own credential Secret '"
                    + credential + "', not '" + ref.get().secret() + "'");
        }
    }

    /** An admin-owned BSL: SSE-C required in any form the admin chooses, over TLS. */
    void adminLocation(JsonNode spec, String prefix, Findings findings) {
        provider(spec, prefix, findings);
        transport(spec, prefix, findings);
        refuseKms(spec, prefix, findings);
        boolean secret = Fields.isSet(spec, "config", KEY_SECRET_FIELD);
        boolean file = Fields.isSet(spec, "config", KEY_FILE_FIELD);
        if (secret == file) {
            findings.deny(prefix + ".config", "set exactly one of " + KEY_SECRET_FIELD + " and " + KEY_FILE_FIELD
                    + " so the location encrypts with SSE-C");
        }
    }

    private void tenantKeySecret(JsonNode spec, String prefix, String namespace, String credential, ClusterView view,
            Findings findings) {
        String field = prefix + ".config." + KEY_SECRET_FIELD;
        if (Fields.isSet(spec, "config", KEY_FILE_FIELD)) {
            findings.deny(prefix + ".config." + KEY_FILE_FIELD, "is a path inside the Velero pod and is refused for "
                    + "tenants; remove it and set " + KEY_SECRET_FIELD + ": <spec.credential.name>/<key>");
        }
        String value = Fields.text(spec, "config", KEY_SECRET_FIELD);
        if (value.isEmpty()) {
            findings.deny(field, "is required: set it to " + (credential.isEmpty() ? "<credential>" : credential)
                    + "/<key>, a 32-byte key in your credential Secret, so backups are SSE-C encrypted with your key");
            return;
        }
        Optional<KeyReference> ref = KeyReference.parse(value);
        if (ref.isEmpty()) {
            findings.deny(field, "must have the form <secret>/<key>, got '" + value + "'");
            return;
        }
        if (!ref.get().secret().equals(credential)) {
            findings.deny(field, "must name this location's own credential Secret '" + credential + "' (the only Secret "
                    + "the controller copies), not '" + ref.get().secret() + "'; use " + credential + "/"
                    + ref.get().key());
            return;
        }
        if (config.verifyKeySecret() && !credential.isEmpty()) {
            keySecretContent(namespace, ref.get(), Fields.text(spec, "credential", "key"), view, prefix, findings);
        }
    }

    private void keySecretContent(String namespace, KeyReference ref, String credentialKey, ClusterView view,
            String prefix, Findings findings) {
        String field = prefix + ".config." + KEY_SECRET_FIELD;
        Optional<SecretFacts> secret = view.secret(namespace, ref.secret());
        if (secret.isEmpty()) {
            findings.deny(field, "Secret " + namespace + "/" + ref.secret() + " does not exist; create it with the cloud "
                    + "credentials and a 32-byte key under '" + ref.key() + "'");
            return;
        }
        Integer length = secret.get().valueLengths().get(ref.key());
        if (length == null) {
            findings.deny(field, "Secret " + ref.secret() + " has no key '" + ref.key() + "'; "
                    + String.format(MAKE_KEY, ref.secret(), ref.key()));
        } else if (length != KEY_BYTES) {
            findings.deny(field, "the value of '" + ref.key() + "' in Secret " + ref.secret() + " is " + length
                    + " bytes, an SSE-C key must be exactly 32 bytes; " + String.format(MAKE_KEY, ref.secret(), ref.key()));
        }
        if (!"true".equals(secret.get().labels().get(KEY_LABEL))) {
            findings.deny(field, "Secret " + ref.secret() + " must carry the label " + KEY_LABEL + "=true so its key "
                    + "cannot change under your backups; run `oc label secret " + ref.secret() + " " + KEY_LABEL + "=true`");
        }
        // the same read: only setting names came out of it, never values
        credentialsEntry(secret.get(), ref.secret(), credentialKey, prefix, findings);
    }

    /**
     * With keySource file no key Secret is named, but the credentials entry reaches Velero all the same: it must hold
     * static keys only, and the Secret must carry the label so that the Secret rule sees its later changes too.
     */
    private void credentialSecret(String namespace, String credential, String credentialKey, ClusterView view,
            String prefix, Findings findings) {
        Optional<SecretFacts> secret = view.secret(namespace, credential);
        if (secret.isEmpty()) {
            findings.deny(prefix + ".credential", "Secret " + namespace + "/" + credential + " does not exist; create it "
                    + "with the cloud credentials under '" + credentialKey + "'");
            return;
        }
        if (!"true".equals(secret.get().labels().get(KEY_LABEL))) {
            findings.deny(prefix + ".credential", "Secret " + credential + " must carry the label " + KEY_LABEL
                    + "=true so that later changes of its credentials entry are checked too; run `oc label secret "
                    + credential + " " + KEY_LABEL + "=true`");
        }
        credentialsEntry(secret.get(), credential, credentialKey, prefix, findings);
    }

    private static void credentialsEntry(SecretFacts secret, String secretName, String credentialKey, String prefix,
            Findings findings) {
        String problem = CredentialSettings.problem(secret.settingNames().getOrDefault(credentialKey, Set.of()));
        if (!problem.isEmpty()) {
            findings.deny(prefix + ".credential", "the credentials entry '" + credentialKey + "' of Secret "
                    + secretName + " " + problem);
        }
    }

    private void tenantKeyFile(JsonNode spec, String prefix, String namespace, Findings findings) {
        String expected = config.keyFileFor(namespace);
        if (Fields.isSet(spec, "config", KEY_SECRET_FIELD)) {
            findings.deny(prefix + ".config." + KEY_SECRET_FIELD, "is not used on this cluster (key source: file); remove "
                    + "it and set " + KEY_FILE_FIELD + ": " + expected);
        }
        String file = Fields.text(spec, "config", KEY_FILE_FIELD);
        if (!file.equals(expected)) {
            findings.deny(prefix + ".config." + KEY_FILE_FIELD, (file.isEmpty() ? "is required" : "'" + file
                    + "' is not your namespace's key file") + ": set it to " + expected + " (ask your cluster admin to "
                    + "provision the key)");
        }
    }

    /**
     * The controller stores a tenant's objects under {@code <namespace>/<prefix>}, the only thing that keeps tenants
     * sharing a bucket apart. Velero builds every key with Go's {@code path.Join}, which resolves {@code ..}, so a
     * {@code ..} segment would climb out of that area (into another tenant's, or the bucket root).
     */
    private static void tenantPrefix(JsonNode spec, String prefix, String namespace, Findings findings) {
        String value = Fields.text(spec, "objectStorage", "prefix");
        if (segments(value).contains("..")) {
            findings.deny(prefix + ".objectStorage.prefix", "'" + value + "' has a '..' segment: the non-admin "
                    + "controller stores this location under " + namespace + "/<prefix>, and Velero resolves '..', so "
                    + "it would leave namespace " + namespace + "'s area " + namespace + "/ of the bucket; remove the "
                    + "'..' segments");
        }
    }

    /** The prefix the controller wrote must stay inside {@code <origin namespace>/} once Velero has resolved it. */
    private static void controllerPrefix(JsonNode spec, String originNamespace, Findings findings) {
        String value = Fields.text(spec, "objectStorage", "prefix");
        List<String> segments = segments(value);
        if (originNamespace.isEmpty() || segments.isEmpty() || !segments.get(0).equals(originNamespace)
                || segments.contains("..")) {
            findings.deny("spec.objectStorage.prefix", "'" + value + "' does not stay inside the area "
                    + originNamespace + "/ of the tenant namespace '" + originNamespace + "' (Velero resolves '..'); "
                    + "the non-admin controller writes <namespace>[/<prefix>]: fix the prefix of the "
                    + "NonAdminBackupStorageLocation");
        }
    }

    /** The path segments of a prefix as Velero reads it: outer slashes trimmed, empty segments ("//") dropped. */
    private static List<String> segments(String value) {
        return Arrays.stream(value.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static void provider(JsonNode spec, String prefix, Findings findings) {
        String provider = Fields.text(spec, "provider");
        if (provider.equals("velero.io/aws")) {
            findings.warn(prefix + ".provider", "write `aws` instead of `velero.io/aws`: OADP applies its defaults only "
                    + "to provider aws");
        } else if (!provider.equals("aws")) {
            findings.deny(prefix + ".provider", "'" + provider + "' cannot encrypt with SSE-C; only the AWS plugin "
                    + "(provider: aws, for any S3-compatible store) supports it");
        }
    }

    private static void transport(JsonNode spec, String prefix, Findings findings) {
        String s3Url = Fields.text(spec, "config", "s3Url");
        if (!s3Url.isEmpty() && !s3Url.toLowerCase(java.util.Locale.ROOT).startsWith("https://")) {
            findings.deny(prefix + ".config.s3Url", "SSE-C keys travel with every request, so the endpoint must be "
                    + "https://; change '" + s3Url + "' to its https:// address");
        }
        // Go reads "1", "t", "True" as true and fails on typos, so anything but an explicit false is refused
        if (Fields.notGoFalse(spec, "config", "insecureSkipTLSVerify")) {
            String value = Fields.text(spec, "config", "insecureSkipTLSVerify");
            findings.deny(prefix + ".config.insecureSkipTLSVerify", "is '" + value + "', which Velero may read as true "
                    + "(only \"false\", \"0\" or no value keep TLS verification on), so the SSE-C key could be sent to an "
                    + "unverified server; remove it and set objectStorage.caCert if the store uses a private CA");
        }
    }

    /**
     * The AWS SDK reads the credentials entry as a shared config file with enableSharedConfig (role_arn,
     * credential_process, sso_* then run as Velero), and credentialsFile names a file of the Velero pod, such as the
     * admin's own credentials, which Velero 1.17 and older honour on some paths (ignored from 1.18, velero#10254).
     */
    private static void refuseSharedFiles(JsonNode spec, String prefix, Findings findings) {
        if (Fields.isSet(spec, "config", "credentialsFile")) {
            findings.deny(prefix + ".config.credentialsFile", "is a path inside the Velero pod and could point Velero "
                    + "at the admin's credentials; remove it, the location's credential Secret is used instead");
        }
        if (Fields.notGoFalse(spec, "config", "enableSharedConfig")) {
            findings.deny(prefix + ".config.enableSharedConfig", "makes Velero read the credentials as an AWS config "
                    + "file too, whose role and process settings would run with Velero's own identity; remove it or set "
                    + "\"false\"");
        }
    }

    private static void refuseKms(JsonNode spec, String prefix, Findings findings) {
        if (Fields.isSet(spec, "config", "kmsKeyId")) {
            findings.deny(prefix + ".config.kmsKeyId", "cannot be combined with SSE-C; remove it");
        }
        if (Fields.isSet(spec, "config", "serverSideEncryption")) {
            findings.deny(prefix + ".config.serverSideEncryption", "selects SSE-S3/KMS instead of your SSE-C key; remove it");
        }
    }

    /** {@code <secret>/<key>} as the AWS plugin reads it. */
    record KeyReference(String secret, String key) {
        static Optional<KeyReference> parse(String value) {
            int slash = value.indexOf('/');
            if (slash <= 0 || slash != value.lastIndexOf('/')) {
                return Optional.empty();
            }
            return Optional.of(new KeyReference(value.substring(0, slash), value.substring(slash + 1)));
        }
    }
}
