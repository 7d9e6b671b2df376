package io.tresor.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a tar stream (ustar, with PAX and GNU long-name headers), as a layer's reader sees them: name, type,
 * mode, size, modification time. Contents are skipped.
 */
final class TarEntries {
    /** One entry; {@code type} is the tar type flag ('0' file, '5' directory, '2' symlink, '1' hard link ...). */
    record Entry(String name, char type, int mode, long size, long mtime, String linkName) {
    }

    private TarEntries() {
    }

    static List<Entry> read(InputStream in) throws IOException {
        List<Entry> entries = new ArrayList<>();
        String longName = null;
        String paxPath = null;
        while (true) {
            byte[] h = in.readNBytes(512);
            if (h.length < 512) {
                throw new IOException("truncated tar header");
            }
            if (isZero(h)) {
                return entries;
            }
            char type = (char) (h[156] == 0 ? '0' : h[156]);
            long size = octal(h, 124, 12);
            if (type == 'x' || type == 'L' || type == 'g') {
                byte[] data = in.readNBytes(Math.toIntExact(size));
                skip(in, pad(size));
                if (type == 'L') {
                    longName = cString(data, 0, data.length);
                } else if (type == 'x') {
                    paxPath = paxValue(new String(data, StandardCharsets.UTF_8), "path");
                }
                continue;
            }
            String name = cString(h, 0, 100);
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            if (paxPath != null) {
                name = paxPath;
            } else if (longName != null) {
                name = longName;
            }
            paxPath = null;
            longName = null;
            entries.add(new Entry(name, type, (int) octal(h, 100, 8), size, octal(h, 136, 12), cString(h, 157, 100)));
            skip(in, size + pad(size));
        }
    }

    private static String paxValue(String records, String key) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith(key + "=", space + 1)) {
                return record.substring(space + 2 + key.length());
            }
        }
        return null;
    }

    private static long pad(long size) {
        return (512 - size % 512) % 512;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("truncated tar entry");
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static long octal(byte[] h, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len && h[i] != 0 && h[i] != ' '; i++) {
            v = v * 8 + (h[i] - '0');
        }
        return v;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
