package io.tresor.freeze.mount;

/** A Linux device number (major:minor): identifies the superblock a freeze acts on. */
public record DeviceNumber(long major, long minor) {

  /** Decodes glibc's {@code dev_t} layout as returned by {@code stat(2)} ({@code unix:dev}). */
  public static DeviceNumber fromStDev(long dev) {
    long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xffL) | ((dev >>> 12) & ~0xffL);
    return new DeviceNumber(major, minor);
  }

  /** Parses the {@code major:minor} column of mountinfo. */
  public static DeviceNumber parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not a major:minor device number: " + text);
    }
    return new DeviceNumber(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return major + ":" + minor;
  }
}
