package io.tresor.imagebuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the dynamic loader needs for one ELF file: its interpreter ({@code PT_INTERP}) and the libraries it names
 * ({@code DT_NEEDED}), read from the file itself (as {@code readelf -d} does) rather than by running {@code ldd},
 * which executes the loader on the file. Only 64-bit little-endian ELF (x86-64, aarch64) is read.
 */
public record ElfDeps(Optional<String> interpreter, List<String> needed) {

    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;

    /** Whether {@code file} starts with the ELF magic number. */
    public static boolean isElf(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) < 4) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        }
    }

    /** Reads {@code file}; fails naming it when it is no 64-bit little-endian ELF file. */
    public static ElfDeps read(Path file) throws IOException {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses an ELF image held in memory. */
    public static ElfDeps parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 64 || b.getInt(0) != 0x464c457f) {
            throw new IllegalArgumentException("not an ELF file");
        }
        if (bytes[4] != 2 || bytes[5] != 1) {
            throw new IllegalArgumentException("not a 64-bit little-endian ELF file (class " + bytes[4] + ", data "
                    + bytes[5] + ")");
        }
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        String interpreter = null;
        long dynOffset = -1;
        long dynSize = 0;
        List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
        for (int i = 0; i < phnum; i++) {
            int ph = Math.toIntExact(phoff + (long) i * phentsize);
            int type = b.getInt(ph);
            long offset = b.getLong(ph + 8);
            long vaddr = b.getLong(ph + 16);
            long filesz = b.getLong(ph + 32);
            if (type == PT_INTERP) {
                interpreter = cString(bytes, Math.toIntExact(offset));
            } else if (type == PT_DYNAMIC) {
                dynOffset = offset;
                dynSize = filesz;
            } else if (type == PT_LOAD) {
                loads.add(new long[] {vaddr, offset, filesz});
            }
        }
        if (dynOffset < 0) {
            // statically linked: needs nothing from the loader
            return new ElfDeps(Optional.ofNullable(interpreter), List.of());
        }
        List<Long> neededOffsets = new ArrayList<>();
        long strtab = -1;
        for (long d = dynOffset; d + 16 <= dynOffset + dynSize; d += 16) {
            long tag = b.getLong(Math.toIntExact(d));
            long val = b.getLong(Math.toIntExact(d + 8));
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_NEEDED) {
                neededOffsets.add(val);
            } else if (tag == DT_STRTAB) {
                strtab = val;
            }
        }
        if (neededOffsets.isEmpty()) {
            return new ElfDeps(Optional.ofNullable(interpreter), List.of());
        }
        if (strtab < 0) {
            throw new IllegalArgumentException("DT_NEEDED entries without a DT_STRTAB");
        }
        long strtabOffset = fileOffset(loads, strtab);
        List<String> needed = new ArrayList<>();
        for (long o : neededOffsets) {
            needed.add(cString(bytes, Math.toIntExact(strtabOffset + o)));
        }
        return new ElfDeps(Optional.ofNullable(interpreter), List.copyOf(needed));
    }

    /** DT_STRTAB holds a virtual address: the PT_LOAD segment that maps it says where it is in the file. */
    private static long fileOffset(List<long[]> loads, long vaddr) {
        for (long[] load : loads) {
            if (vaddr >= load[0] && vaddr < load[0] + load[2]) {
                return vaddr - load[0] + load[1];
            }
        }
        throw new IllegalArgumentException("DT_STRTAB address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    private static String cString(byte[] bytes, int start) {
        int end = start;
        while (bytes[end] != 0) {
            end++;
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }
}
