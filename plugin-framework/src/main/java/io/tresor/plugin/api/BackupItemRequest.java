package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/**
 * One call of a BackupItemAction: the item as Velero will store it (possibly changed by earlier actions) and
 * the {@code velero.io/v1} Backup being run (its {@code apiVersion}/{@code kind} may be absent).
 */
public final class BackupItemRequest {
    private final ObjectNode item;
    private final LazyObject backup;

    public BackupItemRequest(ObjectNode item, Supplier<ObjectNode> backup) {
        this.item = item;
        this.backup = new LazyObject(backup);
    }

    /** The item; actions may modify and return it. */
    public ObjectNode item() {
        return item;
    }

    /** The Backup object, parsed on first use. */
    public ObjectNode backup() {
        return backup.get();
    }
}
