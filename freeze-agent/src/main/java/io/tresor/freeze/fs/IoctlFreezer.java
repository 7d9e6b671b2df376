package io.tresor.freeze.fs;

import io.tresor.freeze.mount.DeviceNumber;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@link FilesystemFreezer} that calls FIFREEZE / FITHAW itself through the FFM API.
 *
 * <p>It opens the mount point once ({@code O_DIRECTORY|O_NOFOLLOW}), checks with {@code fstat}
 * that the open directory is on the expected device, and issues the ioctl on that descriptor: what
 * was checked is what gets frozen, however the path changes in between. No child process, so a
 * freeze costs microseconds instead of a fork/exec.
 */
public final class IoctlFreezer implements FilesystemFreezer {
  // _IOWR('X', 119, int) and _IOWR('X', 120, int): the same on x86_64 and aarch64
  private static final long FIFREEZE = 0xC0045877L;
  private static final long FITHAW = 0xC0045878L;
  private static final int O_CLOEXEC = 0x80000;
  private static final int EBUSY = 16;
  private static final int EINVAL = 22;
  // struct stat is 144 bytes on x86_64, 128 on aarch64; st_dev is the first 8 bytes on both
  private static final int STAT_SIZE = 256;

  private final int openFlags;
  private final MethodHandle open;
  private final MethodHandle fstat;
  private final MethodHandle ioctl;
  private final MethodHandle close;
  private final StructLayout callState = Linker.Option.captureStateLayout();
  private final VarHandle errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  public IoctlFreezer() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      openFlags = 0x10000 | 0x20000 | O_CLOEXEC; // O_DIRECTORY | O_NOFOLLOW
    } else if (arch.equals("aarch64")) {
      openFlags = 0x4000 | 0x8000 | O_CLOEXEC;
    } else {
      throw new UnsupportedOperationException("FIFREEZE through FFM is only wired for x86_64 and aarch64");
    }
    Linker linker = Linker.nativeLinker();
    Linker.Option errnoOption = Linker.Option.captureCallState("errno");
    var libc = linker.defaultLookup();
    open = linker.downcallHandle(libc.find("open").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errnoOption);
    fstat = linker.downcallHandle(libc.find("fstat").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), errnoOption);
    ioctl = linker.downcallHandle(libc.find("ioctl").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
        errnoOption, Linker.Option.firstVariadicArg(2));
    close = linker.downcallHandle(libc.find("close").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  }

  @Override
  public Outcome freeze(Path mountPoint, DeviceNumber device) {
    Outcome o = call(mountPoint, device, FIFREEZE, "FIFREEZE");
    return o.result() == Result.FAILED && o.detail().endsWith("errno " + EBUSY)
        ? new Outcome(Result.ALREADY_FROZEN, o.detail()) : o;
  }

  @Override
  public Outcome thaw(Path mountPoint, DeviceNumber device) {
    Outcome o = call(mountPoint, device, FITHAW, "FITHAW");
    return o.result() == Result.FAILED && o.detail().endsWith("errno " + EINVAL)
        ? new Outcome(Result.NOT_FROZEN, o.detail()) : o;
  }

  private Outcome call(Path mountPoint, DeviceNumber device, long request, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(callState);
      int fd = (int) open.invokeExact(state, arena.allocateFrom(mountPoint.toString()), openFlags);
      if (fd < 0) {
        return failed("open " + mountPoint, state);
      }
      try {
        MemorySegment stat = arena.allocate(STAT_SIZE, 8);
        if ((int) fstat.invokeExact(state, fd, stat) != 0) {
          return failed("fstat " + mountPoint, state);
        }
        DeviceNumber actual = DeviceNumber.fromStDev(stat.get(ValueLayout.JAVA_LONG, 0));
        if (device != null && !device.equals(actual)) {
          return new Outcome(Result.FAILED, mountPoint + " is now on device " + actual + ", not " + device
              + "; refusing " + name);
        }
        if ((int) ioctl.invokeExact(state, fd, request, 0) != 0) {
          return failed(name + " " + mountPoint, state);
        }
        return Outcome.DONE;
      } finally {
        int ignored = (int) close.invokeExact(fd);
      }
    } catch (Throwable t) {
      return new Outcome(Result.UNCERTAIN, name + " " + mountPoint + ": " + t);
    }
  }

  private Outcome failed(String what, MemorySegment state) {
    return new Outcome(Result.FAILED, what + " failed: errno " + (int) errno.get(state, 0L));
  }
}
