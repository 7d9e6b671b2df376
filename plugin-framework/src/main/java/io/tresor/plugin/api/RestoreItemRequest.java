package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/**
 * One call of a RestoreItemAction: the item about to be created (status and server-set metadata already
 * removed, namespace not yet remapped), the pristine item from the backup, and the Restore object.
 */
public final class RestoreItemRequest {
    private final ObjectNode item;
    private final LazyObject itemFromBackup;
    private final LazyObject restore;

    public RestoreItemRequest(ObjectNode item, Supplier<ObjectNode> itemFromBackup, Supplier<ObjectNode> restore) {
        this.item = item;
        this.itemFromBackup = new LazyObject(itemFromBackup);
        this.restore = new LazyObject(restore);
    }

    /** The item to be created; actions may modify and return it. */
    public ObjectNode item() {
        return item;
    }

    /** The item exactly as read from the backup tarball, parsed on first use. */
    public ObjectNode itemFromBackup() {
        return itemFromBackup.get();
    }

    /** The Restore object, parsed on first use. */
    public ObjectNode restore() {
        return restore.get();
    }
}
