package io.tresor.imagebuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageNamesAndDebianTest {

    @ParameterizedTest
    @CsvSource({
            "quay.io/tresor, 0.1.0, tresor-webhook, quay.io/tresor/tresor-webhook:0.1.0, tresor-webhook-0.1.0.tar",
            "quay.io/tresor, 0.1.0-SNAPSHOT, freeze-agent, quay.io/tresor/freeze-agent:0.1.0-SNAPSHOT, freeze-agent-0.1.0-SNAPSHOT.tar",
            "registry.local:5000/a/b, 1.2.3, tresor-velero-plugin, registry.local:5000/a/b/tresor-velero-plugin:1.2.3, tresor-velero-plugin-1.2.3.tar",
    })
    void referencesAndArchivesFollowTheProjectVersion(String registry, String version, String name, String ref, String archive) {
        ImageNames names = new ImageNames(registry, version);
        assertThat(names.reference(name)).isEqualTo(ref);
        assertThat(names.archive(name)).isEqualTo(archive);
    }

    @ParameterizedTest
    @CsvSource({"quay.io/tresor, 1.0+build", "quay.io/tresor, -1", "quay.io, 1.0", "quay.io/Tresor, 1.0", "quay.io/tresor/, 1.0"})
    void badTagsAndRegistriesAreRefusedWithTheFix(String registry, String version) {
        assertThatThrownBy(() -> new ImageNames(registry, version)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("(?s).*(set a plain version in the POM|-Dtresor.image.registry).*");
    }

    @Test
    void dpkgIsAskedUnderBothMergedUsrNames() {
        assertThat(DebianPackages.registeredPaths("/lib/x86_64-linux-gnu/libc.so.6"))
                .containsExactly("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(DebianPackages.registeredPaths("/usr/sbin/fsfreeze")).containsExactly("/usr/sbin/fsfreeze", "/sbin/fsfreeze");
        assertThat(DebianPackages.registeredPaths("/opt/x")).containsExactly("/opt/x");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6|/lib/x86_64-linux-gnu/libc.so.6|libc6",
            "util-linux: /sbin/fsfreeze|/sbin/fsfreeze|util-linux",
            "diversion by x from: /sbin/fsfreeze\\nutil-linux: /sbin/fsfreeze|/sbin/fsfreeze|util-linux",
            "libc6:amd64, libc6:i386: /usr/share/doc/libc6|/usr/share/doc/libc6|libc6",
            "libc6:amd64: /lib/x86_64-linux-gnu/libm.so.6|/lib/x86_64-linux-gnu/libc.so.6|",
    })
    void theOwnerIsReadFromDpkgsLineForThatPath(String output, String path, String pkg) {
        assertThat(DebianPackages.parseOwner(output.replace("\\n", "\n"), path)).isEqualTo(Optional.ofNullable(pkg));
    }

    @Test
    void runtimeModulesCoverWhatTheServersNeed() {
        assertThat(RuntimeBuilder.MODULES).contains("java.base", "java.net.http", "jdk.httpserver", "java.naming")
                .doesNotHaveDuplicates();
        assertThat(RuntimeBuilder.REMOVED).allMatch(p -> p.startsWith("lib/"));
        assertThat(List.copyOf(RuntimeBuilder.MODULES)).isSorted();
    }
}
