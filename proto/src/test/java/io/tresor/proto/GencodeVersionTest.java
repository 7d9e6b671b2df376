package io.tresor.proto;

import com.google.protobuf.RuntimeVersion;
import io.tresor.proto.velero.ExecuteRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build removes protoc's gencode/runtime version check from the generated classes (see proto/pom.xml); these
 * tests stand in for it.
 */
class GencodeVersionTest {
    private static final byte[] CHECK = "com/google/protobuf/RuntimeVersion".getBytes(StandardCharsets.UTF_8);

    @Test
    void theProtobufRuntimeIsTheVersionProtocGeneratedTheCodeWith() {
        // What the removed check compared: gencode newer than its runtime may call methods the runtime lacks.
        String protoc = System.getProperty("tresor.protoc.version");
        assertThat(protoc).as("set by proto/pom.xml's surefire configuration").isNotBlank();
        assertThat(RuntimeVersion.OSS_MAJOR + "." + RuntimeVersion.OSS_MINOR + "." + RuntimeVersion.OSS_PATCH
                + RuntimeVersion.OSS_SUFFIX).as("protobuf-java on the class path").isEqualTo(protoc);
    }

    @Test
    void noGeneratedClassCallsTheVersionCheck() throws IOException, URISyntaxException {
        Path classes = Path.of(ExecuteRequest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> all;
        try (Stream<Path> files = Files.walk(classes)) {
            all = files.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(all).as("generated classes under %s", classes).hasSizeGreaterThan(100);
        List<String> calling = all.stream().filter(GencodeVersionTest::namesTheCheck)
                .map(p -> classes.relativize(p).toString()).toList();
        assertThat(calling).as("classes that still name RuntimeVersion (a protoc upgrade changed the generated form"
                + " of the check? then adapt the pattern in proto/pom.xml)").isEmpty();
    }

    private static boolean namesTheCheck(Path classFile) {
        try {
            byte[] b = Files.readAllBytes(classFile);
            outer:
            for (int i = 0; i + CHECK.length <= b.length; i++) {
                for (int j = 0; j < CHECK.length; j++) {
                    if (b[i + j] != CHECK[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
