package io.tresor.freeze.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/<pid>/mountinfo} (proc(5)).
 *
 * <p>Fields are separated by single spaces; the kernel escapes space, tab, newline and backslash
 * in paths as octal {@code \040 \011 \012 \134}, so a path never contains a raw separator.
 * Optional fields end with a lone {@code -}.
 */
public final class MountInfoParser {
  private MountInfoParser() {}

  public static List<MountEntry> parse(String mountinfo) {
    List<MountEntry> entries = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      if (!line.isBlank()) {
        entries.add(parseLine(line));
      }
    }
    return entries;
  }

  public static MountEntry parseLine(String line) {
    String[] f = line.split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (f.length < 7 || dash < 0 || dash + 2 >= f.length) {
      throw new IllegalArgumentException("malformed mountinfo line: " + line);
    }
    return new MountEntry(Integer.parseInt(f[0]), Integer.parseInt(f[1]), DeviceNumber.parse(f[2]),
        unescape(f[3]), Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2]));
  }

  /** Decodes the kernel's {@code \ooo} octal escapes. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
