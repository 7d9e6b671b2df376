package io.tresor.imagearchive.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.imagearchive.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Checks a pushed image with an independent client: {@code skopeo copy --all} verifies every digest it reads. */
final class SkopeoCheck {
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    private SkopeoCheck() {
    }

    static void copyAllVerifies(String reference, Path work, Digest expectedIndex) throws Exception {
        if (!Files.isExecutable(SKOPEO)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(SKOPEO + " is missing: .ci/run installs skopeo");
            }
            return;
        }
        Files.createDirectories(work);
        Path policy = work.resolve("policy.json");
        Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        Path out = work.resolve("oci");
        Process p = new ProcessBuilder(SKOPEO.toString(), "--policy", policy.toString(), "copy", "--all", "--src-tls-verify=false",
                "docker://" + reference, "oci:" + out).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("skopeo copy --all: %s", log).isZero();
        // skopeo re-serializes the index into the OCI layout, so the served bytes are checked with inspect --raw
        Process raw = new ProcessBuilder(SKOPEO.toString(), "--policy", policy.toString(), "inspect", "--raw", "--tls-verify=false",
                "docker://" + reference).start();
        byte[] served = raw.getInputStream().readAllBytes();
        assertThat(raw.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(raw.exitValue()).isZero();
        assertThat(Digest.of(served)).isEqualTo(expectedIndex);
    }
}
