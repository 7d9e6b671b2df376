package io.tresor.plugin.main;

import io.tresor.plugin.ActionRegistrar;
import io.tresor.plugin.VeleroPlugin;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.velero.PluginRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TresorPluginTest {

    /** A registrar as a test tree names it in -Dtresor.action.registrars. */
    public static final class ExtraActions implements ActionRegistrar {
        @Override
        public void register(VeleroPlugin.Builder plugin) {
            plugin.backupItemAction("tresor.io/test-extra", new BackupItemAction() {
                @Override
                public ResourceSelector appliesTo() {
                    return ResourceSelector.all();
                }

                @Override
                public BackupItemResult execute(BackupItemRequest request) {
                    return BackupItemResult.unchanged();
                }
            });
        }
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(TresorPlugin.REGISTRARS_PROPERTY);
    }

    private static PluginRegistry registered() {
        VeleroPlugin.Builder plugin = VeleroPlugin.builder();
        TresorPlugin.registerActions(plugin);
        return plugin.build().registry();
    }

    @Test
    void theShippedPluginRegistersExactlyTresorsOwnActions() {
        assertThat(registered().entries()).extracting(PluginRegistry.Entry::name).containsExactlyInAnyOrder(
                "tresor.io/volumesnapshot-thaw", "tresor.io/pod-consistency", "tresor.io/consistency-cleanup",
                "tresor.io/imagestream-capture", "tresor.io/imagestream-restore", "tresor.io/imagestreamtag-skip",
                "tresor.io/imagestream-gc");
    }

    @Test
    void registrarsNamedByTheSystemPropertyAddTheirActions() {
        System.setProperty(TresorPlugin.REGISTRARS_PROPERTY, " " + ExtraActions.class.getName() + " ,");
        assertThat(registered().entries()).extracting(PluginRegistry.Entry::name).contains("tresor.io/test-extra");
    }

    @Test
    void aRegistrarThatCannotBeLoadedIsNamedInTheError() {
        System.setProperty(TresorPlugin.REGISTRARS_PROPERTY, "com.example.Missing");
        assertThatThrownBy(TresorPluginTest::registered)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("tresor.action.registrars: com.example.Missing is not a public ActionRegistrar with a"
                        + " public no-argument constructor on the class path");

        System.setProperty(TresorPlugin.REGISTRARS_PROPERTY, String.class.getName());
        assertThatThrownBy(TresorPluginTest::registered).hasMessageContaining("java.lang.String is not a public"
                + " ActionRegistrar");
    }
}
