package io.tresor.images;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * The image's layers unpacked into {@code dir/rootfs}, with the mount points a runtime would create
     * ({@code /proc}, {@code /dev}; the image has neither).
     */
    static Path rootfs(OciImage image, Path dir) throws Exception {
        Path rootfs = dir.resolve("rootfs");
        image.unpack(rootfs);
        Files.createDirectories(rootfs.resolve("proc"));
        Files.createDirectories(rootfs.resolve("dev"));
        return rootfs;
    }

    /** The command line that runs {@code argv} in {@code rootfs} as numeric {@code user}. */
    static List<String> command(Path rootfs, String user, List<String> argv) {
        return inNamespace(rootfs, user, "mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\"", argv);
    }

    /**
     * As {@link #command}, but as the manifests run the servers ({@code readOnlyRootFilesystem: true}, a memory
     * {@code emptyDir} at {@code /tmp}): the image's files are read-only, {@code /tmp} is a fresh 16 MiB tmpfs, and each
     * {@code volumes} entry (path in the image → host directory) is mounted writable, as a pod's volume would be.
     * A server that writes anywhere else fails here as it would in the cluster.
     */
    static List<String> readOnlyRootCommand(Path rootfs, String user, Map<String, Path> volumes, List<String> argv) {
        StringBuilder mounts = new StringBuilder("mount --bind \"$0\" \"$0\"");
        volumes.forEach((inImage, host) -> mounts.append(" && mount --bind '").append(host).append("' \"$0").append(inImage)
                .append('"'));
        // the volumes were mounted on the root's own bind, before it turned read-only: they stay writable
        mounts.append(" && mount -o remount,bind,ro \"$0\" && mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\"")
                .append(" && mount -t tmpfs -o mode=1777,size=16m tmpfs \"$0/tmp\"");
        return inNamespace(rootfs, user, mounts.toString(), argv);
    }

    /** unshare a private mount namespace, run {@code mounts} ($0 = the rootfs), then exec chroot as {@code user}. */
    private static List<String> inNamespace(Path rootfs, String user, String mounts, List<String> argv) {
        if (!user.matches("[0-9]+")) {
            throw new IllegalArgumentException("the image's user must be numeric, is " + user);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                mounts + " && exec /usr/sbin/chroot --userspec=" + user + ":" + user + " \"$0\" \"$@\"", rootfs.toString()));
        cmd.addAll(argv);
        return cmd;
    }

    /** chown -R to the image's user (what a volume the pod mounts would be for it). */
    static void chown(Path path, String user) throws Exception {
        OciImage.run(List.of("chown", "-R", user + ":" + user, path.toString()), 60);
    }
}
