package io.tresor.webhook.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Every policy knob, with safe defaults; loaded from the YAML policy file.
 *
 * @param oadpNamespace               namespace of Velero, the non-admin controller and their objects
 * @param allowDefaultStorageLocation admit tenant backups without a storage location when the default BSL is SSE-C
 * @param volumeDataUpload            Kopia uploads (fs-backup, data mover) are not SSE-C: Deny, Warn or Allow
 * @param allowedResourcePolicies     ConfigMap names (in the OADP namespace) tenants may use as {@code resourcePolicy}
 * @param allowedResourceModifiers    ConfigMap names tenants may use as a restore's {@code resourceModifier}
 * @param keySource                   secret: tenant-owned key Secret; file: admin-mounted key file per namespace
 * @param keyFileTemplate             with keySource file: the only accepted path; {namespace} is replaced
 * @param requireSseCForAllLocations  also check BSLs not created by the non-admin controller
 * @param verifyKeySecret             read the tenant's key Secret to check it (needs cluster-wide get on secrets)
 * @param trustedServiceAccounts      users whose synced objects skip the rules for new backups (not the location checks)
 * @param minimumAwsPluginVersion     the AWS plugin version that keySource secret needs
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PolicyConfig(
        String oadpNamespace,
        Boolean allowDefaultStorageLocation,
        VolumeDataUpload volumeDataUpload,
        List<String> allowedResourcePolicies,
        List<String> allowedResourceModifiers,
        KeySource keySource,
        String keyFileTemplate,
        Boolean requireSseCForAllLocations,
        Boolean verifyKeySecret,
        List<String> trustedServiceAccounts,
        String minimumAwsPluginVersion) {

    public static final String DEFAULT_KEY_FILE_TEMPLATE = "/tenant-keys/{namespace}/customer-key";

    /** Fills every knob the file left out with its safe default. */
    public PolicyConfig {
        oadpNamespace = oadpNamespace == null || oadpNamespace.isBlank() ? "openshift-adp" : oadpNamespace;
        allowDefaultStorageLocation = allowDefaultStorageLocation != null && allowDefaultStorageLocation;
        volumeDataUpload = volumeDataUpload == null ? VolumeDataUpload.Warn : volumeDataUpload;
        allowedResourcePolicies = allowedResourcePolicies == null ? List.of() : List.copyOf(allowedResourcePolicies);
        allowedResourceModifiers = allowedResourceModifiers == null ? List.of() : List.copyOf(allowedResourceModifiers);
        keySource = keySource == null ? KeySource.secret : keySource;
        keyFileTemplate = keyFileTemplate == null || keyFileTemplate.isBlank() ? DEFAULT_KEY_FILE_TEMPLATE : keyFileTemplate;
        requireSseCForAllLocations = requireSseCForAllLocations != null && requireSseCForAllLocations;
        verifyKeySecret = verifyKeySecret == null || verifyKeySecret;
        trustedServiceAccounts = trustedServiceAccounts == null
                ? List.of("system:serviceaccount:" + oadpNamespace + ":non-admin-controller",
                        "system:serviceaccount:" + oadpNamespace + ":velero")
                : List.copyOf(trustedServiceAccounts);
        minimumAwsPluginVersion = minimumAwsPluginVersion == null || minimumAwsPluginVersion.isBlank()
                ? "1.13.0" : minimumAwsPluginVersion;
    }

    /** The safe defaults. */
    public static PolicyConfig defaults() {
        return new PolicyConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The key file path a namespace must use with keySource file. */
    public String keyFileFor(String namespace) {
        return keyFileTemplate.replace("{namespace}", namespace);
    }

    public boolean trusted(String username) {
        return username != null && trustedServiceAccounts.contains(username);
    }
}
