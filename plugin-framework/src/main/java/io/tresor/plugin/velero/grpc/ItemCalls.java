package io.tresor.plugin.velero.grpc;

import com.google.protobuf.ByteString;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.DeleteItemAction;
import io.tresor.plugin.api.DeleteItemRequest;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;
import io.tresor.plugin.velero.ItemJson;

/** The request → action → response steps that v1 and v2 of a kind share. */
final class ItemCalls {
    private ItemCalls() {
    }

    /** A backup action's result with the item bytes to send back. */
    record BackupOutcome(BackupItemResult result, ByteString item) {
    }

    /** A restore action's result with the item bytes to send back. */
    record RestoreOutcome(RestoreItemResult result, ByteString item) {
    }

    static BackupOutcome backup(BackupItemAction action, String plugin, ByteString item, ByteString backup)
            throws ActionException {
        BackupItemRequest req = new BackupItemRequest(ItemJson.parseObject(item, "item"),
                () -> ItemJson.parseLazily(backup, "backup"));
        BackupItemResult result = action.execute(req);
        if (result == null) {
            result = BackupItemResult.unchanged();
        }
        ByteString out = result.item() == null ? item : ItemJson.serializeItem(result.item(), plugin);
        return new BackupOutcome(result, out);
    }

    static RestoreOutcome restore(RestoreItemAction action, String plugin, ByteString item, ByteString fromBackup,
                                  ByteString restore) throws ActionException {
        RestoreItemRequest req = new RestoreItemRequest(ItemJson.parseObject(item, "item"),
                () -> ItemJson.parseLazily(fromBackup, "itemFromBackup"),
                () -> ItemJson.parseLazily(restore, "restore"));
        RestoreItemResult result = action.execute(req);
        if (result == null) {
            result = RestoreItemResult.unchanged();
        }
        ByteString out = result.item() == null ? item : ItemJson.serializeItem(result.item(), plugin);
        return new RestoreOutcome(result, out);
    }

    static void delete(DeleteItemAction action, ByteString item, ByteString backup) throws ActionException {
        action.execute(new DeleteItemRequest(ItemJson.parseObject(item, "item"),
                () -> ItemJson.parseLazily(backup, "backup")));
    }
}
