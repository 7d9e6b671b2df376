package io.tresor.imagebuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading {@code dpkg -S} on a merged-/usr Debian system, where a file may be registered under /lib or /usr/lib. */
public final class DebianPackages {
    private DebianPackages() {
    }

    /** The paths under which dpkg may have registered {@code path}: itself, then its /usr-merged twin. */
    public static List<String> registeredPaths(String path) {
        List<String> paths = new ArrayList<>(List.of(path));
        for (String dir : List.of("/lib", "/lib64", "/bin", "/sbin")) {
            if (path.startsWith(dir + "/")) {
                paths.add("/usr" + path);
            } else if (path.startsWith("/usr" + dir + "/")) {
                paths.add(path.substring(4));
            }
        }
        return paths;
    }

    /**
     * The package of {@code path} in {@code dpkg -S} output ({@code libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6}),
     * without its architecture qualifier; diversion lines and other paths' lines are skipped.
     */
    public static Optional<String> parseOwner(String dpkgOutput, String path) {
        for (String line : dpkgOutput.split("\n")) {
            int sep = line.lastIndexOf(": ");
            if (sep < 0 || !line.substring(sep + 2).strip().equals(path) || line.startsWith("diversion ")) {
                continue;
            }
            String pkgs = line.substring(0, sep);
            String first = pkgs.split(", ")[0].strip();
            int colon = first.indexOf(':');
            return Optional.of(colon < 0 ? first : first.substring(0, colon));
        }
        return Optional.empty();
    }
}
