package io.tresor.freeze.fs;

import io.tresor.freeze.mount.DeviceNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link FilesystemFreezer} that runs util-linux {@code fsfreeze -f|-u} with a deadline.
 *
 * <p>A child process keeps the JVM out of ioctl plumbing and lets a hung FIFREEZE (it syncs dirty
 * data first) be abandoned after the deadline; the caller then treats the freeze as failed and
 * thaws defensively until the killed child is gone ({@code Outcome.settled()}). Errors are
 * recognised from strerror text under {@code LC_ALL=C}. It cannot check the device between the
 * caller's check and the ioctl; {@link IoctlFreezer} can.
 */
public final class FsfreezeCommand implements FilesystemFreezer {
  private final String executable;
  private final Duration timeout;

  public FsfreezeCommand(String executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  @Override
  public Outcome freeze(Path mountPoint, DeviceNumber device) {
    Outcome o = run("-f", mountPoint);
    if (o.result() == Result.FAILED && o.detail().contains("Device or resource busy")) {
      return new Outcome(Result.ALREADY_FROZEN, o.detail());
    }
    return o;
  }

  @Override
  public Outcome thaw(Path mountPoint, DeviceNumber device) {
    Outcome o = run("-u", mountPoint);
    if (o.result() == Result.FAILED && o.detail().contains("Invalid argument")) {
      return new Outcome(Result.NOT_FROZEN, o.detail());
    }
    return o;
  }

  private Outcome run(String flag, Path mountPoint) {
    ProcessBuilder pb = new ProcessBuilder(List.of(executable, flag, mountPoint.toString()));
    pb.environment().put("LC_ALL", "C");
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Outcome(Result.FAILED, "cannot run " + executable + ": " + e.getMessage());
    }
    try {
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        // SIGKILL only lands when the ioctl returns: until the child is gone its FIFREEZE can still take effect.
        p.destroyForcibly();
        boolean gone = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Outcome(Result.UNCERTAIN, executable + " " + flag + " timed out after " + timeout.toMillis()
            + " ms" + (gone ? "" : "; killed, but still inside the ioctl"), p.onExit());
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 ? Outcome.DONE : new Outcome(Result.FAILED, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Outcome(Result.UNCERTAIN, "interrupted while " + executable + " " + flag + " ran", p.onExit());
    } catch (IOException e) {
      return new Outcome(Result.UNCERTAIN, e.getMessage());
    }
  }
}
