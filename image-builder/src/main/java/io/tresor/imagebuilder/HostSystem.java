package io.tresor.imagebuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * This Debian build host as the source of the images' system files: its libraries, the packages that own them and
 * their copyright files.
 */
final class HostSystem {
    /** Where the loader of an x86-64 Debian system finds libraries without an ld.so.cache (merged /usr: the same). */
    static final List<Path> LIBRARY_DIRS = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"));

    private HostSystem() {
    }

    /** The host's copy of a library, as the loader would find it. */
    static Optional<String> library(String name) {
        for (Path dir : LIBRARY_DIRS) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    static ElfDeps elf(String path) {
        try {
            return ElfDeps.read(Path.of(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The copyright file of the Debian package of each host file, by package name. */
    static Map<String, Path> copyrights(List<String> hostFiles) throws IOException, InterruptedException {
        Map<String, Path> copyrights = new TreeMap<>();
        for (String file : hostFiles) {
            String pkg = owner(file);
            Path copyright = Path.of("/usr/share/doc", pkg, "copyright");
            if (!Files.isRegularFile(copyright)) {
                throw new IOException(copyright + " is missing (package " + pkg + ", which ships " + file + "): the"
                        + " images must carry the license of every file taken from this host; reinstall the package"
                        + " (apt-get install --reinstall " + pkg + ") if its documentation was removed");
            }
            copyrights.put(pkg, copyright);
        }
        return copyrights;
    }

    /** {@code dpkg -S} under each name the file may be registered with (merged /usr: /lib/... or /usr/lib/...). */
    static String owner(String file) throws IOException, InterruptedException {
        for (String candidate : DebianPackages.registeredPaths(file)) {
            Process p = new ProcessBuilder("dpkg", "-S", candidate).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dpkg -S " + candidate + " did not finish within 60 s");
            }
            Optional<String> pkg = DebianPackages.parseOwner(out, candidate);
            if (p.exitValue() == 0 && pkg.isPresent()) {
                return pkg.get();
            }
        }
        throw new IOException("no Debian package owns " + file + " (dpkg -S): the images take system files from this"
                + " Debian build host's packages only, so that their copyright files can go along");
    }
}
