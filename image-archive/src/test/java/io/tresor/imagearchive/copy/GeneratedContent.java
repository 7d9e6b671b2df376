package io.tresor.imagearchive.copy;

import io.tresor.imagearchive.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** A deterministic pseudo-random stream of any length, generated on the fly: large blobs without large memory. */
final class GeneratedContent extends InputStream {
    private final long length;
    private long position;
    private long state;

    GeneratedContent(long length, long seed) {
        this.length = length;
        this.state = seed * 0x9E3779B97F4A7C15L + 1;
    }

    static Digest digest(long length, long seed) throws IOException {
        MessageDigest sha = Digest.newSha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new GeneratedContent(length, seed)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return Digest.fromRaw(sha.digest());
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            if (((position + i) & 7) == 0) {
                // xorshift64: fast, deterministic, incompressible enough for a test layer
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            b[off + i] = (byte) (state >>> (((position + i) & 7) * 8));
        }
        position += n;
        return n;
    }
}
