package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SseCustomerKeyTest {
    static final byte[] RAW = "0123456789abcdef0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void headersAreBase64OfTheKeyAndOfItsMd5() throws Exception {
        SseCustomerKey key = SseCustomerKey.of(RAW, "test");
        assertThat(Base64.getDecoder().decode(key.base64())).isEqualTo(RAW);
        assertThat(Base64.getDecoder().decode(key.md5Base64())).isEqualTo(MessageDigest.getInstance("MD5").digest(RAW));
    }

    @Test
    void theFingerprintIsAStableKeyedHashThatNeverShowsTheKey() {
        SseCustomerKey key = SseCustomerKey.of(RAW, "test");
        byte[] other = RAW.clone();
        other[0] ^= 1;
        assertThat(key.fingerprint()).matches("[0-9a-f]{32}").isEqualTo(SseCustomerKey.of(RAW.clone(), "x").fingerprint());
        assertThat(SseCustomerKey.of(other, "x").fingerprint()).isNotEqualTo(key.fingerprint());
        // golden value (checked with openssl dgst -sha256 -mac HMAC): directories written by one release must be found by the next
        assertThat(key.fingerprint()).isEqualTo(GOLDEN_FINGERPRINT);
        assertThat(key.toString()).contains(key.fingerprint()).doesNotContain(key.base64()).doesNotContain("0123456789");
    }

    static final String GOLDEN_FINGERPRINT = "d477b87159de939f530906a2207f7ea4";

    @Test
    void onlyExactly32BytesAreAKey() {
        assertThatThrownBy(() -> SseCustomerKey.of(new byte[0], "secret ns/s key k")).hasMessageContaining("secret ns/s key k is missing or empty");
        assertThatThrownBy(() -> SseCustomerKey.of(new byte[31], "f")).hasMessageContaining("has 31 bytes, expected exactly 32");
        assertThatThrownBy(() -> SseCustomerKey.of(Base64.getEncoder().encode(RAW), "f")).hasMessageContaining("base64");
    }

    @Test
    void aKeyFileIsReadAsRawBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("customer-key");
        Files.write(file, RAW);
        assertThat(SseCustomerKeySource.ofFile(file).read()).isEqualTo(SseCustomerKey.of(RAW, "x"));
        Files.write(file, (new String(RAW, java.nio.charset.StandardCharsets.US_ASCII) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SseCustomerKeySource.ofFile(file).read()).hasMessageContaining("expected exactly 32");
        assertThatThrownBy(() -> SseCustomerKeySource.ofFile(dir.resolve("missing")).read())
                .hasMessageContaining("does not exist").hasMessageContaining("customerKeyEncryptionFile");
    }
}
