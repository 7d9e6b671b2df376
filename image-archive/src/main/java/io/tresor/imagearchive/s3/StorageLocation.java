package io.tresor.imagearchive.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.Optional;

/**
 * The parts of a Velero {@code BackupStorageLocation} (provider {@code aws}) that the image archive needs, read the
 * way velero-plugin-for-aws reads them.
 *
 * @param name                        {@code metadata.name}, used in error messages
 * @param bucket                      {@code spec.objectStorage.bucket}
 * @param prefix                      {@code spec.objectStorage.prefix} (may be empty)
 * @param caCert                      {@code spec.objectStorage.caCert}: PEM bundle (base64 in JSON), or null
 * @param region                      {@code config.region}, or null
 * @param s3Url                       {@code config.s3Url}, or null for AWS
 * @param forcePathStyle              {@code config.s3ForcePathStyle == "true"}
 * @param insecureSkipTlsVerify       {@code config.insecureSkipTLSVerify == "true"}
 * @param profile                     {@code config.profile}, default {@code default}
 * @param customerKeyEncryptionFile   {@code config.customerKeyEncryptionFile}, or null
 * @param customerKeyEncryptionSecret {@code config.customerKeyEncryptionSecret} ({@code name/key}), or null
 * @param credentialSecretName        {@code spec.credential.name}, or null
 * @param credentialSecretKey         {@code spec.credential.key}, or null
 */
public record StorageLocation(
        String name,
        String bucket,
        String prefix,
        byte[] caCert,
        String region,
        String s3Url,
        boolean forcePathStyle,
        boolean insecureSkipTlsVerify,
        String profile,
        String customerKeyEncryptionFile,
        String customerKeyEncryptionSecret,
        String credentialSecretName,
        String credentialSecretKey) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public StorageLocation {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("BackupStorageLocation " + name + ": spec.objectStorage.bucket is empty: set the bucket");
        }
        if (customerKeyEncryptionFile != null && customerKeyEncryptionSecret != null) {
            throw new IllegalArgumentException("BackupStorageLocation " + name + ": config sets both customerKeyEncryptionFile and "
                    + "customerKeyEncryptionSecret: keep exactly one");
        }
        if (s3Url != null) {
            URI uri = URI.create(s3Url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("BackupStorageLocation " + name + ": config.s3Url '" + s3Url
                        + "' is not an absolute URL: use https://host[:port]");
            }
        }
        prefix = prefix == null ? "" : prefix;
        profile = profile == null || profile.isBlank() ? "default" : profile;
        caCert = caCert == null ? null : caCert.clone();
    }

    /** Parses a BackupStorageLocation as JSON (the whole object, or its {@code spec} with {@code name} given). */
    public static StorageLocation fromJson(String json) throws IOException {
        return fromTree(JSON.readTree(json));
    }

    /** Parses a BackupStorageLocation as a Jackson tree (the whole object with metadata and spec). */
    public static StorageLocation fromTree(JsonNode bsl) {
        String name = text(bsl.path("metadata"), "name");
        JsonNode spec = bsl.has("spec") ? bsl.get("spec") : bsl;
        String provider = text(spec, "provider");
        if (provider != null && !provider.equals("aws") && !provider.endsWith("/aws")) {
            throw new IllegalArgumentException("BackupStorageLocation " + name + ": provider '" + provider
                    + "' is not S3 (aws): images are archived only in S3-compatible locations");
        }
        JsonNode os = spec.path("objectStorage");
        JsonNode config = spec.path("config");
        JsonNode credential = spec.path("credential");
        String ca = text(os, "caCert");
        return new StorageLocation(
                name,
                text(os, "bucket"),
                text(os, "prefix"),
                ca == null ? null : Base64.getMimeDecoder().decode(ca),
                text(config, "region"),
                text(config, "s3Url"),
                "true".equalsIgnoreCase(text(config, "s3ForcePathStyle")),
                "true".equalsIgnoreCase(text(config, "insecureSkipTLSVerify")),
                text(config, "profile"),
                text(config, "customerKeyEncryptionFile"),
                text(config, "customerKeyEncryptionSecret"),
                text(credential, "name"),
                text(credential, "key"));
    }

    /** The region to sign with: {@code config.region}, else {@code us-east-1} for a custom endpoint (S3-compatible stores). */
    public String effectiveRegion() {
        if (region != null && !region.isBlank()) {
            return region;
        }
        if (s3Url != null) {
            return "us-east-1";
        }
        throw new IllegalArgumentException("BackupStorageLocation " + name + ": config.region is empty: set the bucket's region");
    }

    /** {@code customerKeyEncryptionSecret} split into secret name and key, if set. */
    public Optional<String[]> customerKeySecretRef() {
        if (customerKeyEncryptionSecret == null) {
            return Optional.empty();
        }
        String[] parts = customerKeyEncryptionSecret.split("/", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("BackupStorageLocation " + name + ": config.customerKeyEncryptionSecret '"
                    + customerKeyEncryptionSecret + "' is not <secret-name>/<key>");
        }
        return Optional.of(parts);
    }

    /** Fails when the location names no SSE-C key: the image archive never writes unencrypted blobs. */
    public void requireCustomerKey() {
        if (customerKeyEncryptionFile == null && customerKeyEncryptionSecret == null) {
            throw new IllegalArgumentException("BackupStorageLocation " + name + " has no SSE-C key: set config."
                    + "customerKeyEncryptionSecret (<secret>/<key>) or config.customerKeyEncryptionFile; images are only "
                    + "archived SSE-C encrypted");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "StorageLocation[" + name + " s3://" + bucket + "/" + prefix + (s3Url == null ? "" : " at " + s3Url) + "]";
    }
}
