package io.tresor.imagearchive.layout;

import io.tresor.imagearchive.Digest;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Object keys of the image archive under a storage location's prefix (DESIGN §5); pure, no I/O.
 *
 * <p>Everything lives under {@code <prefix>/plugins/tresor/} because Velero marks a location Unavailable when its
 * prefix holds any other top-level directory than its own.
 */
public final class ArchiveLayout {
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{32}");
    // Velero backup names are DNS-1123 subdomains; refusing anything else keeps keys from escaping their directory.
    private static final Pattern BACKUP_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    // Kubernetes namespaces are DNS-1123 labels
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    // OpenShift validates ImageStream names as a registry repository path component (underscores allowed, e.g.
    // "my_app"), not as DNS-1123: refusing those would fail captures that worked before. No '/' can occur.
    private static final Pattern IMAGE_STREAM = Pattern.compile("[a-z0-9]++(?:(?:[._]|__|-*+)[a-z0-9]++)*+");
    private static final String LEGACY_INDEX = "/images.json";
    private static final String IMAGE_STREAMS = "/imagestreams/";

    private final String root;

    /** @param prefix the storage location's {@code objectStorage.prefix}, may be empty or null */
    public ArchiveLayout(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.root = (p.isEmpty() ? "" : p + "/") + "plugins/tresor/";
    }

    /** {@code <prefix>/plugins/tresor/}. */
    public String root() {
        return root;
    }

    /** {@code <prefix>/} (empty for no prefix): where Velero's own top-level directories live. */
    public String locationPrefix() {
        return root.substring(0, root.length() - "plugins/tresor/".length());
    }

    /** Directory of all blobs written with the key of that fingerprint. */
    public String blobDirectory(String keyFingerprint) {
        return root + "k-" + checkFingerprint(keyFingerprint) + "/blobs/sha256/";
    }

    public String blob(String keyFingerprint, Digest digest) {
        return blobDirectory(keyFingerprint) + digest.hex();
    }

    /** Inverse of {@link #blob}: the digest of a blob key of that fingerprint, empty for any other key. */
    public Optional<Digest> blobDigest(String keyFingerprint, String key) {
        String dir = blobDirectory(keyFingerprint);
        if (!key.startsWith(dir)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Digest(key.substring(dir.length())));
        } catch (IllegalArgumentException notABlob) {
            return Optional.empty();
        }
    }

    public String backupsDirectory() {
        return root + "backups/";
    }

    /**
     * {@code backups/<backup>/images.json}: the whole-backup index of backups written before per-ImageStream documents
     * (schema 1), and for newer backups a marker with schema 2 and no ImageStreams, which older plugins refuse clearly
     * (their GC then holds deletions instead of missing what the per-ImageStream documents reference).
     */
    public String imageIndex(String veleroBackup) {
        return backupIndexDirectory(veleroBackup) + LEGACY_INDEX.substring(1);
    }

    /** {@code backups/<backup>/}: every index document of that backup lies under it. */
    public String backupIndexDirectory(String veleroBackup) {
        return backupsDirectory() + checkBackup(veleroBackup) + "/";
    }

    /** {@code backups/<backup>/imagestreams/<namespace>/<name>.json}: one ImageStream's index document. */
    public String imageStreamIndex(String veleroBackup, String namespace, String imageStream) {
        return backupIndexDirectory(veleroBackup) + IMAGE_STREAMS.substring(1) + checkNamespace(namespace) + "/"
                + checkImageStream(imageStream) + ".json";
    }

    /** The backup name of an {@code images.json} key, empty for any other key. */
    public Optional<String> imageIndexBackup(String key) {
        String dir = backupsDirectory();
        if (!key.startsWith(dir) || !key.endsWith(LEGACY_INDEX)) {
            return Optional.empty();
        }
        String name = key.substring(dir.length(), key.length() - LEGACY_INDEX.length());
        return BACKUP_NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    /** The backup name of any index document key ({@code images.json} or a per-ImageStream one), empty otherwise. */
    public Optional<String> indexDocumentBackup(String key) {
        Optional<String> legacy = imageIndexBackup(key);
        if (legacy.isPresent()) {
            return legacy;
        }
        String dir = backupsDirectory();
        int streams = key.indexOf(IMAGE_STREAMS, dir.length());
        if (!key.startsWith(dir) || streams < 0 || !key.endsWith(".json")) {
            return Optional.empty();
        }
        String backup = key.substring(dir.length(), streams);
        String[] rest = key.substring(streams + IMAGE_STREAMS.length(), key.length() - ".json".length()).split("/", -1);
        return rest.length == 2 && BACKUP_NAME.matcher(backup).matches() && NAMESPACE.matcher(rest[0]).matches()
                && rest[1].length() <= 253 && IMAGE_STREAM.matcher(rest[1]).matches() ? Optional.of(backup) : Optional.empty();
    }

    public String inProgressDirectory() {
        return root + "inprogress/";
    }

    public String inProgress(String veleroBackup) {
        return inProgressDirectory() + checkBackup(veleroBackup);
    }

    /** State of the two-pass blob sweep (candidates of the previous pass); not key material. */
    public String sweepState() {
        return root + "gc/sweep.json";
    }

    /**
     * Directory of the markers sweep passes write before their last check for new captures and remove after deleting
     * blobs; a capture that wrote its in-progress root waits while one exists (see {@code ArchiveSweeper}).
     */
    public String sweepDeletingDirectory() {
        return root + "gc/deleting/";
    }

    /** The marker of one sweep pass; one per pass, so two passes at once never remove each other's. */
    public String sweepDeleting(String passId) {
        if (passId == null || !passId.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("not a sweep pass id: '" + passId + "' (lower-case letters, digits, '-')");
        }
        return sweepDeletingDirectory() + passId + ".json";
    }

    /** Velero's own directory of backups under the prefix; a sub-directory per existing Velero backup. */
    public String veleroBackupsDirectory() {
        return locationPrefix() + "backups/";
    }

    private static String checkFingerprint(String fp) {
        Objects.requireNonNull(fp, "keyFingerprint");
        if (!FINGERPRINT.matcher(fp).matches()) {
            throw new IllegalArgumentException("not a key fingerprint: '" + fp + "' (32 lower-case hex characters)");
        }
        return fp;
    }

    private static String checkBackup(String name) {
        if (name == null || !BACKUP_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Velero backup name: '" + name
                    + "' (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.')");
        }
        return name;
    }

    private static String checkNamespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("not a Kubernetes namespace name: '" + namespace
                    + "' (a DNS-1123 label: lower-case letters, digits and '-', at most 63)");
        }
        return namespace;
    }

    private static String checkImageStream(String name) {
        if (name == null || name.length() > 253 || !IMAGE_STREAM.matcher(name).matches()) {
            throw new IllegalArgumentException("not an ImageStream name: '" + name + "' (OpenShift's rule: lower-case "
                    + "letters and digits, separated by '.', '_', '__' or dashes, at most 253 characters)");
        }
        return name;
    }
}
