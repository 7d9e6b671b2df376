package io.tresor.images;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command inside an unpacked image the way a container runtime would, without one: a private mount namespace
 * (unshare) with /proc and the host's /dev mounted into the rootfs, then chroot as the image's user. The mounts die
 * with the process's namespace, so nothing is left mounted on the host whatever happens to the test; the commands
 * exec each other, so the process started is the image's entrypoint itself (signals reach it).
 */
final class Chroot {
    private Chroot() {
    }

    /** Skips (with the reason) unless this runs as root: chroot and mount need it; CI runs as root. */
    static void requireRoot() throws Exception {
        String uid = OciImage.run(List.of("id", "-u"), 10).strip();
        Assumptions.assumeTrue(uid.equals("0"), "running an image's files needs root (chroot, mount); uid is " + uid
                + ": skipped (CI runs as root)");
        for (String tool : List.of("/usr/bin/unshare", "/usr/sbin/chroot")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IllegalStateException(tool + " is missing: apt-get install -y util-linux coreutils");
            }
        }
    }

    /** Creates the mount points a runtime would ({@code /proc}, {@code /dev}); the image has neither. */
    static void prepare(Path rootfs) throws Exception {
        Files.createDirectories(rootfs.resolve("proc"));
        Files.createDirectories(rootfs.resolve("dev"));
    }

    /** The command line that runs {@code argv} in {@code rootfs} as numeric {@code user}. */
    static List<String> command(Path rootfs, String user, List<String> argv) {
        if (!user.matches("[0-9]+")) {
            throw new IllegalArgumentException("the image's user must be numeric, is " + user);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh",
                "-c", "mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\" && exec /usr/sbin/chroot"
                        + " --userspec=" + user + ":" + user + " \"$0\" \"$@\"", rootfs.toString()));
        cmd.addAll(argv);
        return cmd;
    }

    /** chown -R to the image's user (what a volume the pod mounts would be for it). */
    static void chown(Path path, String user) throws Exception {
        OciImage.run(List.of("chown", "-R", user + ":" + user, path.toString()), 60);
    }
}
