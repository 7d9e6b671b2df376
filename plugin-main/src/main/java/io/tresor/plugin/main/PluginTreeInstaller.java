package io.tresor.plugin.main;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code tresor install <dir>}: copies the launcher and its {@code tresor.d} tree into a plugin directory,
 * keeping modes and times (the AOT cache belongs to exactly these jars) and never creating a symlink (Velero
 * would try to run it). The old tree is replaced whole, never updated in place.
 */
final class PluginTreeInstaller {
    /** Set by the native launcher: the resolved path of the running executable. */
    static final String EXECUTABLE_PROPERTY = "tresor.executable";

    private PluginTreeInstaller() {
    }

    static int run(String[] args) {
        if (args.length != 2 || args[1].isBlank()) {
            System.err.println("usage: tresor install <plugin-dir>   (e.g. tresor install /target in the init container)");
            return 2;
        }
        String exe = System.getProperty(EXECUTABLE_PROPERTY);
        if (exe == null) {
            System.err.println("tresor install: must be run through the tresor launcher (property "
                    + EXECUTABLE_PROPERTY + " is not set)");
            return 2;
        }
        try {
            Path installed = install(Path.of(exe), Path.of(args[1]));
            System.err.println("tresor installed to " + installed);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("tresor install failed: " + e.getMessage());
            return 1;
        }
    }

    /** Copies {@code launcher} and {@code launcher.d} into {@code targetDir}; returns the installed launcher. */
    static Path install(Path launcher, Path targetDir) throws IOException {
        Path sourceTree = launcher.resolveSibling(launcher.getFileName() + ".d");
        if (!Files.isRegularFile(launcher, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(sourceTree)) {
            throw new IOException("launcher " + launcher + " or its tree " + sourceTree + " is missing");
        }
        if (!Files.isDirectory(targetDir)) {
            throw new IOException("target directory " + targetDir + " does not exist; create it or mount the plugins volume there");
        }
        String name = launcher.getFileName().toString();
        Path staging = Files.createTempDirectory(targetDir, "." + name + ".d-");
        copyTree(sourceTree, staging);
        Path finalTree = targetDir.resolve(name + ".d");
        deleteTree(finalTree);
        Files.move(staging, finalTree, StandardCopyOption.ATOMIC_MOVE);
        Path target = targetDir.resolve(name);
        Files.copy(launcher, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path d = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
                    throw new IOException("refusing to install " + file
                            + ": not a regular file (Velero runs every symlink under /plugins)");
                }
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Path d = to.resolve(from.relativize(dir).toString());
                Files.setLastModifiedTime(d, Files.getLastModifiedTime(dir));
                Files.setPosixFilePermissions(d, Files.getPosixFilePermissions(dir));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path tree) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
