package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/** One call of a DeleteItemAction: an item from the backup being deleted, and that Backup object. */
public final class DeleteItemRequest {
    private final ObjectNode item;
    private final LazyObject backup;

    public DeleteItemRequest(ObjectNode item, Supplier<ObjectNode> backup) {
        this.item = item;
        this.backup = new LazyObject(backup);
    }

    /** The item as stored in the backup. */
    public ObjectNode item() {
        return item;
    }

    /** The Backup object, parsed on first use. */
    public ObjectNode backup() {
        return backup.get();
    }
}
