package io.tresor.tls.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Copies what is written to System.err (where slf4j-simple logs) while open, so tests can count log lines. */
public final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  public LogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        copy.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        copy.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  public String text() {
    return copy.toString(StandardCharsets.UTF_8);
  }

  /** Lines that contain every one of the fragments. */
  public long lines(String... fragments) {
    return text().lines().filter(l -> {
      for (String f : fragments) {
        if (!l.contains(f)) {
          return false;
        }
      }
      return true;
    }).count();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
