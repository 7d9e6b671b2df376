package io.tresor.webhook.policy;

/** Group names, kinds, labels and annotations of OADP, Velero and tresor that the rules rely on. */
public final class OadpNames {

    public static final String OADP_GROUP = "oadp.openshift.io";
    public static final String VELERO_GROUP = "velero.io";

    public static final String NON_ADMIN_BACKUP = "NonAdminBackup";
    public static final String NON_ADMIN_SCHEDULE = "NonAdminSchedule";
    public static final String NON_ADMIN_RESTORE = "NonAdminRestore";
    public static final String NON_ADMIN_BSL = "NonAdminBackupStorageLocation";
    public static final String BSL = "BackupStorageLocation";
    public static final String BACKUP = "Backup";
    public static final String RESTORE = "Restore";
    public static final String SECRET = "Secret";

    public static final String NAB_ORIGIN_UUID = "openshift.io/oadp-nab-origin-nacuuid";
    public static final String NAB_ORIGIN_NAMESPACE = "openshift.io/oadp-nab-origin-namespace";
    public static final String NAR_ORIGIN_UUID = "openshift.io/oadp-nar-origin-nacuuid";
    public static final String NAR_ORIGIN_NAMESPACE = "openshift.io/oadp-nar-origin-namespace";
    public static final String NABSL_ORIGIN_UUID = "openshift.io/oadp-nabsl-origin-nacuuid";
    public static final String NABSL_ORIGIN_NAMESPACE = "openshift.io/oadp-nabsl-origin-namespace";
    public static final String NAB_SYNCED_FROM = "openshift.io/oadp-nab-synced-from-nacuuid";
    public static final String VELERO_STORAGE_LOCATION_LABEL = "velero.io/storage-location";

    public static final String KEY_LABEL = "tresor.io/sse-c-key";

    public static final String KEY_SECRET_FIELD = "customerKeyEncryptionSecret";
    public static final String KEY_FILE_FIELD = "customerKeyEncryptionFile";

    /** SSE-C keys are AES-256 keys: exactly this many raw bytes. */
    public static final int KEY_BYTES = 32;

    private OadpNames() {
    }
}
