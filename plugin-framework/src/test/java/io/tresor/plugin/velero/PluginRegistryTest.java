package io.tresor.plugin.velero;

import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginRegistryTest {
    private static final BackupItemAction ACTION = new BackupItemAction() {
        @Override
        public ResourceSelector appliesTo() {
            return ResourceSelector.all();
        }

        @Override
        public BackupItemResult execute(io.tresor.plugin.api.BackupItemRequest request) {
            return BackupItemResult.unchanged();
        }
    };

    @Test
    void listsLikeGosFrameworkByKindThenName() {
        PluginRegistry r = PluginRegistry.builder()
                .add(PluginKind.DELETE_ITEM_ACTION, "tresor.io/gc", ACTION)
                .add(PluginKind.BACKUP_ITEM_ACTION_V2, "tresor.io/b", ACTION)
                .add(PluginKind.BACKUP_ITEM_ACTION_V2, "tresor.io/a", ACTION)
                .add(PluginKind.BACKUP_ITEM_ACTION, "tresor.io/z", ACTION)
                .add(PluginKind.RESTORE_ITEM_ACTION_V2, "tresor.io/r", ACTION)
                .build();
        assertThat(r.entries()).extracting(e -> e.kind().wireName() + " " + e.name()).containsExactly(
                "BackupItemAction tresor.io/z", "BackupItemActionV2 tresor.io/a", "BackupItemActionV2 tresor.io/b",
                "RestoreItemActionV2 tresor.io/r", "DeleteItemAction tresor.io/gc");
    }

    @Test
    void aNameMayNotBeRegisteredAsV1AndV2OfTheSameKind() {
        PluginRegistry.Builder b = PluginRegistry.builder().add(PluginKind.BACKUP_ITEM_ACTION, "tresor.io/x", ACTION);
        assertThatThrownBy(() -> b.add(PluginKind.BACKUP_ITEM_ACTION_V2, "tresor.io/x", ACTION))
                .hasMessageContaining("already registered as BackupItemAction");
        // The same name for another kind is fine (Velero keys by kind and name).
        b.add(PluginKind.DELETE_ITEM_ACTION, "tresor.io/x", ACTION);
    }

    @Test
    void lookupOfAnUnknownNameGivesGosWording() {
        PluginRegistry r = PluginRegistry.builder().add(PluginKind.BACKUP_ITEM_ACTION, "tresor.io/x", ACTION).build();
        assertThatThrownBy(() -> r.lookup(PluginKind.BACKUP_ITEM_ACTION_V2, "tresor.io/x", BackupItemAction.class))
                .isInstanceOf(ActionException.class)
                .hasMessage("BackupItemActionV2 plugin: tresor.io/x was not found or has an invalid name format");
    }
}
