package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.plugin.logging.LogSink;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The plugin's Velero-format log lines the restore actions write about one ImageStream while open (the plugin's log
 * sink writes to the process' stderr descriptor, not System.err, so serving-tls' LogCapture does not see them).
 */
final class CapturedLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    CapturedLog() {
        LogSink.get().setOutput(out);
    }

    /** Lines of this module's classes whose {@code imagestream} field is {@code repository}. */
    List<JsonNode> about(String repository) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (l.startsWith("{")) {
                JsonNode n = JSON.readTree(l);
                if (n.path("logSource").asText().startsWith("io/tresor/actions/restore/")
                        && repository.equals(n.path("imagestream").asText())) {
                    lines.add(n);
                }
            }
        }
        return lines;
    }

    /** The messages of {@link #about} that are not per-image progress ("image restored"), as {@code level: message}. */
    List<String> summary(String repository) throws Exception {
        return about(repository).stream().filter(n -> !n.path("@message").asText().equals("image restored"))
                .map(n -> n.path("@level").asText() + ": " + n.path("@message").asText()).toList();
    }

    @Override
    public void close() {
        LogSink.get().setOutput(new FileOutputStream(FileDescriptor.err));
    }
}
