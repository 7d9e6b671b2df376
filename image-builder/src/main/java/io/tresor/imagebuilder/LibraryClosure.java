package io.tresor.imagebuilder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The host libraries an image must carry so that the dynamic loader can start every ELF file in it: the transitive
 * {@code DT_NEEDED} closure, minus what the image's own trees provide (the JDK's {@code libjvm.so}, {@code libjava.so}
 * ...), plus each file's interpreter. Pure: the ELF files, the host's libraries and their dependencies come in as
 * functions.
 */
public final class LibraryClosure {

    /** What the closure found: host libraries by the name the loader looks for, and the interpreters' paths. */
    public record Result(SortedMap<String, String> libraries, Set<String> interpreters) {
    }

    private LibraryClosure() {
    }

    /**
     * @param roots       the image's ELF files (a label, e.g. its path in the image, to its dependencies)
     * @param inImage     library file names the image provides itself (found beside the roots, via their RUNPATH)
     * @param hostLibrary a library name to its path on the build host, empty when the host has none
     * @param hostDeps    the dependencies of a host library, by its path
     */
    public static Result of(Map<String, ElfDeps> roots, Set<String> inImage, Function<String, Optional<String>> hostLibrary,
                            Function<String, ElfDeps> hostDeps) {
        SortedMap<String, String> libraries = new TreeMap<>();
        Set<String> interpreters = new LinkedHashSet<>();
        Deque<String[]> todo = new ArrayDeque<>(); // {needed name, who needs it}
        roots.forEach((label, deps) -> enqueue(label, deps, todo, interpreters));
        while (!todo.isEmpty()) {
            String[] next = todo.poll();
            String name = next[0];
            if (inImage.contains(name) || libraries.containsKey(name) || isInterpreter(name, interpreters)) {
                continue;
            }
            String path = hostLibrary.apply(name).orElseThrow(() -> new IllegalStateException(name + ", needed by "
                    + next[1] + ", is neither in the image nor in this build host's library directories: install the"
                    + " Debian package that ships it (apt-file search " + name + "), or leave out the file that needs it"));
            libraries.put(name, path);
            enqueue(path, hostDeps.apply(path), todo, interpreters);
        }
        return new Result(libraries, interpreters);
    }

    private static void enqueue(String label, ElfDeps deps, Deque<String[]> todo, Set<String> interpreters) {
        deps.interpreter().ifPresent(interpreters::add);
        for (String needed : deps.needed()) {
            todo.add(new String[] {needed, label});
        }
    }

    /** libc and libjvm name the loader itself as a library; it is loaded already, under its interpreter path. */
    private static boolean isInterpreter(String name, Set<String> interpreters) {
        return interpreters.stream().anyMatch(i -> i.endsWith("/" + name));
    }
}
