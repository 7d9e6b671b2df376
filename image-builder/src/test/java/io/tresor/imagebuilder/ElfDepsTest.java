package io.tresor.imagebuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Against this Debian host's own files, compared with what readelf -d / -l reports for them. */
class ElfDepsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // file                                  | interpreter                    | needed (DT_NEEDED order)
            "/usr/sbin/fsfreeze                      | /lib64/ld-linux-x86-64.so.2    | libc.so.6",
            "/lib/x86_64-linux-gnu/libm.so.6         |                                | libc.so.6,ld-linux-x86-64.so.2",
            "/lib/x86_64-linux-gnu/libc.so.6         | /lib64/ld-linux-x86-64.so.2    | ld-linux-x86-64.so.2",
    })
    void readsInterpreterAndNeededLikeReadelf(String file, String interpreter, String needed) throws Exception {
        Path p = Path.of(file);
        assumeTrue(Files.isRegularFile(p), file + " is not on this host (a Debian 12 x86-64 build host has it)");
        ElfDeps deps = ElfDeps.read(p);
        assertThat(deps.interpreter().orElse(null)).isEqualTo(interpreter);
        assertThat(deps.needed()).isEqualTo(List.of(needed.split(",")));
    }

    @Test
    void aLoaderNeedsNothing() throws Exception {
        Path ld = Path.of("/lib64/ld-linux-x86-64.so.2");
        assumeTrue(Files.exists(ld), "no x86-64 loader here");
        assertThat(ElfDeps.read(ld).needed()).isEmpty();
    }

    @Test
    void textIsNoElfFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("jvmopts"), "-Xmx64m\n".repeat(20));
        assertThat(ElfDeps.isElf(text)).isFalse();
        assertThatThrownBy(() -> ElfDeps.read(text)).hasMessageContaining("not an ELF file");
        byte[] elf32 = new byte[64];
        elf32[0] = 0x7f;
        elf32[1] = 'E';
        elf32[2] = 'L';
        elf32[3] = 'F';
        elf32[4] = 1;
        elf32[5] = 1;
        assertThatThrownBy(() -> ElfDeps.parse(elf32)).hasMessageContaining("not a 64-bit little-endian ELF file");
    }
}
