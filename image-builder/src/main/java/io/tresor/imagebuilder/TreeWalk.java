package io.tresor.imagebuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Lists a tree with lstat (a symlink is reported as one, as Velero sees it), for {@link Layouts}. */
final class TreeWalk {
    private TreeWalk() {
    }

    static List<Layouts.TreeFile> of(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " does not exist or is no directory");
        }
        List<Layouts.TreeFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Layouts.Kind kind = a.isSymbolicLink() ? Layouts.Kind.SYMLINK : a.isDirectory() ? Layouts.Kind.DIRECTORY
                        : a.isRegularFile() ? Layouts.Kind.FILE : Layouts.Kind.OTHER;
                int mode = 0;
                // a symlink's own mode is always 0777: what counts is the file it names
                var perms = a.isSymbolicLink() ? Files.getPosixFilePermissions(p) : a.permissions();
                for (PosixFilePermission perm : perms) {
                    mode |= 1 << (8 - perm.ordinal());
                }
                files.add(new Layouts.TreeFile(root.relativize(p).toString(), kind, mode, p));
            }
        }
        return files;
    }

    /** The ELF files of a tree (symlinks not followed). */
    static List<Path> elfFiles(Path root) throws IOException {
        List<Path> elf = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isSymbolicLink(p) && ElfDeps.isElf(p)) {
                    elf.add(p);
                }
            }
        }
        return elf;
    }
}
