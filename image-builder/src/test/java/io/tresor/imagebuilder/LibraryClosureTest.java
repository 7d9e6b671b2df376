package io.tresor.imagebuilder;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LibraryClosureTest {
    private static final String LD = "/lib64/ld-linux-x86-64.so.2";
    /** A host like Debian's: name → path, and each library's own needs. */
    private static final Map<String, String> HOST = Map.of("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6",
            "libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "libdl.so.2", "/lib/x86_64-linux-gnu/libdl.so.2",
            "libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    private static final Map<String, ElfDeps> HOST_DEPS = Map.of(
            "/lib/x86_64-linux-gnu/libc.so.6", deps(LD, "ld-linux-x86-64.so.2"),
            "/lib/x86_64-linux-gnu/libm.so.6", deps(null, "libc.so.6"),
            "/lib/x86_64-linux-gnu/libdl.so.2", deps(null, "libc.so.6"),
            "/lib/x86_64-linux-gnu/libz.so.1", deps(null, "libc.so.6"));

    private static ElfDeps deps(String interpreter, String... needed) {
        return new ElfDeps(Optional.ofNullable(interpreter), List.of(needed));
    }

    private static LibraryClosure.Result closure(Map<String, ElfDeps> roots, Set<String> inImage) {
        return LibraryClosure.of(roots, inImage, name -> Optional.ofNullable(HOST.get(name)), HOST_DEPS::get);
    }

    @Test
    void theLauncherAndLibjvmNeedGlibcAndTheLoaderNotWhatTheTreeHas() {
        var result = closure(Map.of(
                "tresor", deps(LD, "libc.so.6", "libdl.so.2"),
                "rt/lib/server/libjvm.so", deps(null, "libm.so.6", "libc.so.6", "ld-linux-x86-64.so.2"),
                "rt/lib/libnet.so", deps(null, "libjava.so", "libjvm.so", "libc.so.6")), Set.of("libjava.so", "libjvm.so", "libnet.so"));
        assertThat(result.libraries()).containsOnlyKeys("libc.so.6", "libdl.so.2", "libm.so.6");
        assertThat(result.libraries().get("libm.so.6")).isEqualTo("/lib/x86_64-linux-gnu/libm.so.6");
        assertThat(result.interpreters()).containsExactly(LD);
    }

    @Test
    void dependenciesOfHostLibrariesAreFollowed() {
        var result = closure(Map.of("a.so", deps(null, "libz.so.1")), Set.of());
        // libc names the loader too; it is its PT_INTERP, shipped at that path, not again as a library
        assertThat(result.libraries()).containsOnlyKeys("libz.so.1", "libc.so.6");
        assertThat(result.interpreters()).containsExactly(LD);
    }

    @Test
    void aStaticFileNeedsNothing() {
        var result = closure(Map.of("static", deps(null)), Set.of());
        assertThat(result.libraries()).isEmpty();
        assertThat(result.interpreters()).isEmpty();
    }

    @Test
    void aLibraryNoOneHasIsNamedWithWhoNeedsIt() {
        assertThatThrownBy(() -> closure(Map.of("rt/lib/libawt_xawt.so", deps(null, "libX11.so.6")), Set.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("libX11.so.6, needed by rt/lib/libawt_xawt.so")
                .hasMessageContaining("install the Debian package");
    }
}
