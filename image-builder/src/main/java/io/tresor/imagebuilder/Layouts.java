package io.tresor.imagebuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which file goes where in each image, with which mode. Pure: the trees are walked elsewhere ({@link TreeWalk}). */
public final class Layouts {

    /** Where OADP's init container finds the plugin tree; Velero's container gets a copy through {@code /target}. */
    public static final String PLUGINS = "/plugins";
    /** The jlinked runtime of the webhook and the freeze agent. */
    public static final String JAVA_HOME = "/opt/java";
    /** Jars the webhook and the freeze agent both use, byte for byte: one layer that registries store once. */
    public static final String SHARED_LIB = "/opt/tresor/lib";
    /** Where Debian keeps x86-64 libraries; the loader searches it without an ld.so.cache. */
    public static final String LIB_DIR = "/lib/x86_64-linux-gnu";

    /**
     * A file or directory found in a tree: its path relative to the tree, its kind and its host mode (for a symlink,
     * the mode of the file it names).
     */
    public record TreeFile(String relative, Kind kind, int hostMode, Path source) {
    }

    /** Kinds of tree entries: only directories and regular files may be shipped under /plugins. */
    public enum Kind { DIRECTORY, FILE, SYMLINK, OTHER }

    private Layouts() {
    }

    /**
     * The plugin tree under {@code /plugins}: the launcher {@code tresor} 0755, every other file 0644, directories
     * 0755. Velero runs every file with an execute bit under /plugins and counts a symlink as executable, so a symlink
     * or special file is refused rather than shipped.
     */
    public static List<LayerEntry> pluginTree(List<TreeFile> tree) {
        boolean launcher = false;
        List<LayerEntry> entries = new ArrayList<>();
        for (TreeFile f : sorted(tree)) {
            String target = PLUGINS + "/" + f.relative();
            switch (f.kind()) {
                case DIRECTORY -> entries.add(LayerEntry.dir(target, 0755));
                case FILE -> {
                    boolean isLauncher = f.relative().equals("tresor");
                    launcher |= isLauncher;
                    if (!isLauncher && !f.relative().startsWith("tresor.d/")) {
                        throw new IllegalArgumentException("unexpected file " + f.relative() + " in the plugin tree: only"
                                + " tresor and tresor.d/ belong there (rebuild it with build-plugin-tree.sh)");
                    }
                    entries.add(LayerEntry.file(f.source(), target, isLauncher ? 0755 : 0644));
                }
                default -> throw new IllegalArgumentException(f.relative() + " in the plugin tree is a " + f.kind()
                        + ": Velero runs every symlink under /plugins; the tree must hold regular files only"
                        + " (rebuild it with build-plugin-tree.sh)");
            }
        }
        if (!launcher) {
            throw new IllegalArgumentException("the plugin tree has no launcher tresor: build it first (images module,"
                    + " build-plugin-tree.sh)");
        }
        return entries;
    }

    /**
     * The jlinked runtime under {@code /opt/java}: files keep only whether they are executable (0755, else 0644);
     * symlinks (jlink's per-module license copies) are shipped as the file they point to.
     */
    public static List<LayerEntry> runtime(List<TreeFile> tree) {
        List<LayerEntry> entries = new ArrayList<>();
        for (TreeFile f : sorted(tree)) {
            String target = JAVA_HOME + "/" + f.relative();
            switch (f.kind()) {
                case DIRECTORY -> entries.add(LayerEntry.dir(target, 0755));
                case FILE, SYMLINK -> entries.add(LayerEntry.file(f.source(), target, (f.hostMode() & 0100) != 0 ? 0755 : 0644));
                default -> throw new IllegalArgumentException(f.relative() + " in the runtime is no file or directory");
            }
        }
        return entries;
    }

    /**
     * The base every image starts from: the loader at its interpreter path, the libraries the closure found under
     * {@link #LIB_DIR}, their Debian packages' copyright files, and an empty {@code /tmp} with the sticky bit
     * (1777: any user may create files there, none may remove another's).
     *
     * @param libraries   library name to host path (from {@link LibraryClosure})
     * @param interpreters interpreter paths (e.g. /lib64/ld-linux-x86-64.so.2); the host file is read through the link
     * @param copyrights  Debian package name to its copyright file on the host
     */
    public static List<LayerEntry> base(Map<String, String> libraries, Set<String> interpreters,
                                        Map<String, Path> copyrights) {
        List<LayerEntry> entries = new ArrayList<>();
        for (String interpreter : new TreeSet<>(interpreters)) {
            entries.add(LayerEntry.file(Path.of(interpreter), interpreter, 0755));
        }
        libraries.forEach((name, hostPath) -> {
            if (name.contains("/")) {
                throw new IllegalArgumentException("library name " + name + " has a directory part");
            }
            entries.add(LayerEntry.file(Path.of(hostPath), LIB_DIR + "/" + name, 0755));
        });
        copyrights.forEach((pkg, file) -> entries.add(LayerEntry.file(file, "/usr/share/doc/" + pkg + "/copyright", 0644)));
        entries.add(LayerEntry.dir("/tmp", 01777));
        entries.sort(Comparator.comparing(LayerEntry::target));
        return entries;
    }

    /**
     * Splits two applications' jars (file name to content digest) into those both use byte for byte (under
     * {@link #SHARED_LIB}) and each one's own (under {@code /opt/tresor/<app>/lib}).
     */
    public static List<String> sharedJars(Map<String, String> a, Map<String, String> b) {
        return a.keySet().stream().filter(name -> a.get(name).equals(b.get(name))).sorted().toList();
    }

    /** Where {@code jar} of {@code app} lands: the shared directory if it is one of {@code shared}, else the app's. */
    public static String jarPath(String app, String jar, List<String> shared) {
        if (jar.contains("/") || !jar.endsWith(".jar")) {
            throw new IllegalArgumentException("not a jar file name: " + jar);
        }
        return (shared.contains(jar) ? SHARED_LIB : "/opt/tresor/" + app + "/lib") + "/" + jar;
    }

    /**
     * The class path of {@code app}: its own jar first (its classes win over a dependency's copy), then the other
     * jars sorted by name. Listed, not {@code lib/*}: a wildcard's order is the directory's, which no one controls.
     */
    public static String classPath(String app, String mainJar, List<String> jars, List<String> shared) {
        if (!jars.contains(mainJar)) {
            throw new IllegalArgumentException(mainJar + " is not among the jars of " + app);
        }
        List<String> paths = new ArrayList<>();
        paths.add(jarPath(app, mainJar, shared));
        jars.stream().filter(j -> !j.equals(mainJar)).sorted().forEach(j -> paths.add(jarPath(app, j, shared)));
        return String.join(":", paths);
    }

    private static List<TreeFile> sorted(List<TreeFile> tree) {
        return tree.stream().sorted(Comparator.comparing(TreeFile::relative)).toList();
    }
}
