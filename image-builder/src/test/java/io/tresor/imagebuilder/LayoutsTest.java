package io.tresor.imagebuilder;

import io.tresor.imagebuilder.Layouts.Kind;
import io.tresor.imagebuilder.Layouts.TreeFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayoutsTest {
    private static TreeFile f(String rel, Kind kind, int mode) {
        return new TreeFile(rel, kind, mode, Path.of("/build/tree", rel));
    }

    @Test
    void thePluginTreeHasOneExecutableWhateverTheHostModes() {
        List<LayerEntry> entries = Layouts.pluginTree(List.of(
                f("tresor.d/rt/lib/server/libjvm.so", Kind.FILE, 0755), // an executable bit on the host is dropped
                f("tresor", Kind.FILE, 0700),
                f("tresor.d", Kind.DIRECTORY, 0700),
                f("tresor.d/jvmopts", Kind.FILE, 0600)));
        assertThat(entries).extracting(LayerEntry::target, LayerEntry::mode, LayerEntry::directory).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/plugins/tresor", 0755, false),
                org.assertj.core.groups.Tuple.tuple("/plugins/tresor.d", 0755, true),
                org.assertj.core.groups.Tuple.tuple("/plugins/tresor.d/jvmopts", 0644, false),
                org.assertj.core.groups.Tuple.tuple("/plugins/tresor.d/rt/lib/server/libjvm.so", 0644, false));
    }

    @Test
    void thePluginTreeRefusesSymlinksStrayFilesAndAMissingLauncher() {
        assertThatThrownBy(() -> Layouts.pluginTree(List.of(f("tresor", Kind.FILE, 0755),
                f("tresor.d/rt/legal/java.sql/LICENSE", Kind.SYMLINK, 0777))))
                .hasMessageContaining("tresor.d/rt/legal/java.sql/LICENSE").hasMessageContaining("symlink");
        assertThatThrownBy(() -> Layouts.pluginTree(List.of(f("tresor", Kind.FILE, 0755), f("notes.txt", Kind.FILE, 0644))))
                .hasMessageContaining("unexpected file notes.txt");
        assertThatThrownBy(() -> Layouts.pluginTree(List.of(f("tresor.d/jvmopts", Kind.FILE, 0644))))
                .hasMessageContaining("no launcher");
    }

    @Test
    void theRuntimeKeepsOnlyWhetherAFileIsExecutableAndShipsLinksAsFiles() {
        List<LayerEntry> entries = Layouts.runtime(List.of(f("bin/java", Kind.FILE, 0755), f("lib/modules", Kind.FILE, 0664),
                f("legal/java.sql/LICENSE", Kind.SYMLINK, 0644), f("lib/jspawnhelper", Kind.FILE, 0700)));
        assertThat(entries).extracting(LayerEntry::target, LayerEntry::mode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/opt/java/bin/java", 0755),
                org.assertj.core.groups.Tuple.tuple("/opt/java/legal/java.sql/LICENSE", 0644),
                org.assertj.core.groups.Tuple.tuple("/opt/java/lib/jspawnhelper", 0755),
                org.assertj.core.groups.Tuple.tuple("/opt/java/lib/modules", 0644));
    }

    @Test
    void theBaseHasTheLoaderTheLibrariesTheirCopyrightsAndAStickyTmp() {
        List<LayerEntry> entries = Layouts.base(Map.of("libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
                Set.of("/lib64/ld-linux-x86-64.so.2"), Map.of("libc6", Path.of("/usr/share/doc/libc6/copyright")));
        assertThat(entries).extracting(LayerEntry::target, LayerEntry::mode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/lib/x86_64-linux-gnu/libc.so.6", 0755),
                org.assertj.core.groups.Tuple.tuple("/lib64/ld-linux-x86-64.so.2", 0755),
                org.assertj.core.groups.Tuple.tuple("/tmp", 01777),
                org.assertj.core.groups.Tuple.tuple("/usr/share/doc/libc6/copyright", 0644));
        assertThat(entries.get(0).source()).isEqualTo(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    }

    @Test
    void jarsBothServersUseByteForByteAreSharedAndTheMainJarComesFirst() {
        List<String> shared = Layouts.sharedJars(Map.of("fabric8.jar", "aa", "grpc.jar", "bb", "javalin.jar", "cc"),
                Map.of("fabric8.jar", "aa", "grpc.jar", "b2", "agent.jar", "dd"));
        assertThat(shared).containsExactly("fabric8.jar");
        assertThat(Layouts.classPath("webhook", "webhook.jar", List.of("javalin.jar", "fabric8.jar", "webhook.jar"), shared))
                .isEqualTo("/opt/tresor/webhook/lib/webhook.jar:/opt/tresor/lib/fabric8.jar:/opt/tresor/webhook/lib/javalin.jar");
        assertThatThrownBy(() -> Layouts.jarPath("webhook", "../x.jar", shared)).hasMessageContaining("not a jar file name");
    }

    @Test
    void entriesMustBeCleanAbsolutePathsWithPermissionBitsOnly() {
        assertThatThrownBy(() -> LayerEntry.dir("tmp", 01777)).hasMessageContaining("not a clean absolute image path");
        assertThatThrownBy(() -> LayerEntry.dir("/opt/../etc", 0755)).hasMessageContaining("not a clean absolute image path");
        assertThatThrownBy(() -> LayerEntry.dir("/tmp", 0100777)).hasMessageContaining("bits beyond permissions");
    }
}
