package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.plugin.logging.LogLevel;
import io.tresor.plugin.logging.LogSink;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The plugin's Velero-format log lines written by the consistency actions while a test runs. */
final class CapturedLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final LogLevel threshold = LogSink.get().threshold();

  CapturedLog() {
    LogSink.get().setOutput(out);
  }

  /** Captures from the given level up ({@code --log-level}) until closed. */
  CapturedLog(LogLevel from) {
    this();
    LogSink.get().setThreshold(from);
  }

  /** Lines logged from this module (the in-process agent logs through the same sink). */
  List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (l.startsWith("{")) {
        JsonNode n = JSON.readTree(l);
        if (n.path("logSource").asText().startsWith("io/tresor/actions/consistency/")) {
          lines.add(n);
        }
      }
    }
    return lines;
  }

  List<JsonNode> at(String level) throws Exception {
    return lines().stream().filter(n -> level.equals(n.path("@level").asText())).toList();
  }

  @Override
  public void close() {
    LogSink.get().setThreshold(threshold);
    LogSink.get().setOutput(new FileOutputStream(FileDescriptor.err));
  }
}
