package io.tresor.freeze.journal;

import io.tresor.freeze.mount.DeviceNumber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FreezeJournal} in one small text file on a host path.
 *
 * <p>Each change rewrites the whole file (a handful of lines) to a temporary file, fsyncs it,
 * renames it over the journal and fsyncs the directory: a crash leaves either the old or the new
 * list, never a torn one. Line format: {@code major:minor <TAB> recordedAtMillis <TAB> url-encoded path}.
 */
public final class FileFreezeJournal implements FreezeJournal {
  private static final Logger LOG = LoggerFactory.getLogger(FileFreezeJournal.class);
  private final Path file;
  private final Map<DeviceNumber, JournalEntry> entries = new LinkedHashMap<>();

  public FileFreezeJournal(Path file) {
    this.file = file.toAbsolutePath();
    try {
      Files.createDirectories(this.file.getParent());
      if (Files.exists(this.file)) {
        // Damage costs only the damaged lines: an agent that cannot start would leave every freeze listed here
        // frozen. Undecodable bytes become U+FFFD and fail their line's parse.
        List<String> damaged = new ArrayList<>();
        for (String line : new String(Files.readAllBytes(this.file), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            try {
              JournalEntry e = parse(line);
              entries.put(e.device(), e);
            } catch (RuntimeException bad) {
              damaged.add(line);
            }
          }
        }
        if (!damaged.isEmpty()) {
          // the next write replaces the file: keep it for a person, who may find a device in it to thaw by hand
          Path copy = this.file.resolveSibling(this.file.getFileName() + ".damaged-" + System.currentTimeMillis());
          Files.copy(this.file, copy, StandardCopyOption.REPLACE_EXISTING);
          LOG.error("freeze journal {}: {} damaged line(s) skipped, {} entries read; the file is kept as {}: a freeze"
              + " named only by a damaged line is not thawed by the agent, check the node for frozen filesystems"
              + " (findmnt, fsfreeze -u)", this.file, damaged.size(), entries.size(), copy);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open freeze journal " + this.file, e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void record(JournalEntry entry) {
    entries.put(entry.device(), entry);
    persist();
  }

  @Override
  public synchronized void remove(DeviceNumber device) {
    if (entries.remove(device) != null) {
      persist();
    }
  }

  @Override
  public synchronized List<JournalEntry> entries() {
    return new ArrayList<>(entries.values());
  }

  private void persist() {
    StringBuilder text = new StringBuilder();
    for (JournalEntry e : entries.values()) {
      text.append(e.device()).append('\t').append(e.recordedAt().toEpochMilli()).append('\t')
          .append(URLEncoder.encode(e.mountPoint().toString(), StandardCharsets.UTF_8)).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write freeze journal " + file, e);
    }
  }

  static JournalEntry parse(String line) {
    String[] f = line.split("\t");
    if (f.length != 3) {
      throw new IllegalArgumentException("malformed freeze journal line: " + line);
    }
    return new JournalEntry(DeviceNumber.parse(f[0]), Path.of(URLDecoder.decode(f[2], StandardCharsets.UTF_8)),
        Instant.ofEpochMilli(Long.parseLong(f[1])));
  }
}
