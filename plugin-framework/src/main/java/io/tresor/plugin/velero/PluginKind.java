package io.tresor.plugin.velero;

/**
 * The plugin kinds this framework serves, with the exact kind strings of Velero's
 * {@code pkg/plugin/framework/common/plugin_kinds.go}, in the order Go's framework lists them.
 */
public enum PluginKind {
    BACKUP_ITEM_ACTION("BackupItemAction"),
    BACKUP_ITEM_ACTION_V2("BackupItemActionV2"),
    RESTORE_ITEM_ACTION("RestoreItemAction"),
    RESTORE_ITEM_ACTION_V2("RestoreItemActionV2"),
    DELETE_ITEM_ACTION("DeleteItemAction");

    private final String wireName;

    PluginKind(String wireName) {
        this.wireName = wireName;
    }

    /** The kind string sent in ListPlugins. */
    public String wireName() {
        return wireName;
    }

    /** v1 and v2 of the same kind share one name space: Velero would list a name under both as v2 twice. */
    PluginKind family() {
        switch (this) {
            case BACKUP_ITEM_ACTION_V2: return BACKUP_ITEM_ACTION;
            case RESTORE_ITEM_ACTION_V2: return RESTORE_ITEM_ACTION;
            default: return this;
        }
    }
}
