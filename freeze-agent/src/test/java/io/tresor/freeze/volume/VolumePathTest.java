package io.tresor.freeze.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VolumePathTest {
  private static final String UID = "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f";
  private final VolumePath paths = new VolumePath(Path.of("/var/lib/kubelet/pods"));

  @ParameterizedTest
  @ValueSource(strings = {"pvc-3f2a9c1e-8d7b-4e6f-a5c4-b3d2e1f0a9b8", "pv1", "a.b-c", "x"})
  void computesTheKubeletCsiMountPath(String pv) {
    assertThat(paths.mountPath(UID, pv)).isEqualTo(
        Path.of("/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/" + pv + "/mount"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../..", "a/../b", "pv/..", "/etc", "a/b", ".", ".hidden", "PV", "a..b", "a.",
      "pv\u0000x", "pv x", "pv%2f..", "-pv", "pv-", ""})
  void refusesPvNamesThatAreNotDns1123(String pv) {
    assertThatThrownBy(() -> paths.mountPath(UID, pv)).isInstanceOf(InvalidVolumeReference.class)
        .hasMessageContaining("DNS-1123");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../" + UID, UID + "/..", "0F4C7A1E-3B2D-4C5E-9F60-7A8B9C0D1E2F",
      "0f4c7a1e3b2d4c5e9f607a8b9c0d1e2f", UID + "0", " " + UID, "", "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2g"})
  void refusesPodUidsThatAreNotUuids(String uid) {
    assertThatThrownBy(() -> paths.mountPath(uid, "pv1")).isInstanceOf(InvalidVolumeReference.class)
        .hasMessageContaining("UUID");
  }

  @ParameterizedTest
  @CsvSource({"tenant-a,true", "a,true", "Tenant,false", "a_b,false", "a.b,false", "../x,false"})
  void namespacesAreDns1123Labels(String ns, boolean ok) {
    if (ok) {
      VolumePath.requireNamespace(ns);
    } else {
      assertThatThrownBy(() -> VolumePath.requireNamespace(ns)).isInstanceOf(InvalidVolumeReference.class);
    }
  }

  @org.junit.jupiter.api.Test
  void aLongNameIsCutInTheMessage() {
    String pv = "x".repeat(300);
    assertThatThrownBy(() -> VolumePath.requirePvName(pv)).hasMessageContaining("…");
  }
}
