package io.tresor.freeze.volume;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the kubelet mounts a CSI filesystem volume for a pod, computed by the agent alone.
 *
 * <p>Callers name a pod UID and a PV; neither may carry path syntax, so both are checked
 * against strict grammars before they touch the path ({@code ..}, {@code /}, NUL, upper case,
 * over-long names are all refused).
 */
public final class VolumePath {
  // Kubernetes pod UIDs are RFC 4122 UUIDs in canonical lower-case form.
  private static final Pattern UID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  // PV names are DNS-1123 subdomains: no '/', no leading/trailing '.', no "..".
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final Path podsDir;

  public VolumePath(Path kubeletPodsDir) {
    this.podsDir = kubeletPodsDir.toAbsolutePath().normalize();
  }

  public Path podsDir() {
    return podsDir;
  }

  /** {@code <pods dir>/<podUid>/volumes/kubernetes.io~csi/<pv>/mount}. */
  public Path mountPath(String podUid, String pv) {
    requirePodUid(podUid);
    requirePvName(pv);
    Path path = podsDir.resolve(podUid).resolve("volumes").resolve("kubernetes.io~csi")
        .resolve(pv).resolve("mount");
    // Belt and braces: the grammar already excludes it, but a path that escapes is never used.
    if (!path.normalize().equals(path) || !path.startsWith(podsDir)) {
      throw new InvalidVolumeReference("volume path escapes the kubelet pods directory");
    }
    return path;
  }

  public static void requirePodUid(String uid) {
    if (uid == null || !UID.matcher(uid).matches()) {
      throw new InvalidVolumeReference("pod UID is not a lower-case UUID: " + printable(uid));
    }
  }

  public static void requirePvName(String pv) {
    if (pv == null || pv.length() > 253 || !DNS1123_SUBDOMAIN.matcher(pv).matches()) {
      throw new InvalidVolumeReference("PV name is not a DNS-1123 subdomain: " + printable(pv));
    }
  }

  /** Namespaces and PVC names: DNS-1123 labels / subdomains, checked the same strict way. */
  public static void requireNamespace(String namespace) {
    if (namespace == null || namespace.length() > 63 || !DNS1123_LABEL.matcher(namespace).matches()) {
      throw new InvalidVolumeReference("namespace is not a DNS-1123 label: " + printable(namespace));
    }
  }

  public static void requireObjectName(String what, String name) {
    if (name == null || name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
      throw new InvalidVolumeReference(what + " is not a DNS-1123 subdomain: " + printable(name));
    }
  }

  // Identifiers end up in logs and gRPC messages: keep them short and free of control bytes.
  private static String printable(String s) {
    if (s == null) {
      return "<missing>";
    }
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return '"' + cut.replaceAll("\\p{Cntrl}", "?") + '"';
  }
}
